import fs from 'node:fs'
import path from 'node:path'
import wabt from 'wabt'
import { describe, expect, it } from 'vitest'
// Loads every kernel file, so that each declares its module.
import './index'
import { declaredKernelModules, I32, locals, moduleBytes, op, V128, wasmFunction } from './emit'

/** Post-MVP features the modules use: SIMD, and a shared memory (the threaded build's). */
const FEATURES = { simd: true, threads: true }
/** The engine's own check (the Node typings here leave WebAssembly out). */
const { validate } = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly
/** WABT's validate takes the features it allows, which its typings leave out. */
type Validate = (features: typeof FEATURES) => void

/** Where the readable dumps are kept, one .wat file per module, for a reviewer to read what the engine emits. */
const DUMPS = path.join(__dirname, 'wat')

describe('the modules the kernels emit', () => {
  const modules = declaredKernelModules()

  it('are all declared, the convolutions and every single kernel', () => {
    expect(modules.map((m) => m.name).sort()).toEqual(['adam', 'biasAdd', 'columnSum', 'convGemm', 'gemm', 'maxPool2x2', 'maxPoolGrad2x2', 'relu', 'reluGrad'])
  })

  it('are valid WebAssembly over a plain and a shared memory, by the engine and by WABT', async () => {
    const toolkit = await wabt()
    for (const m of modules) {
      for (const shared of [false, true]) {
        for (const names of [false, true]) {
          const bytes = moduleBytes(shared, m.functions(), { names })
          expect(validate(bytes), `${m.name} shared=${shared}`).toBe(true)
          const parsed = toolkit.readWasm(bytes, { readDebugNames: names, ...FEATURES })
          try {
            expect(() => (parsed.validate as unknown as Validate).call(parsed, FEATURES), m.name).not.toThrow()
          } finally {
            parsed.destroy()
          }
        }
      }
    }
  })

  it('would be caught: a function that reads a register it never declared is refused by both', async () => {
    const L = locals()
    const [x] = L.params(I32, 'x')
    const bytes = moduleBytes(false, [wasmFunction('broken', L, [...op.get(x + 1), ...op.set(x)])])
    expect(validate(bytes)).toBe(false)
    const parsed = (await wabt()).readWasm(bytes, { ...FEATURES })
    expect(() => (parsed.validate as unknown as Validate).call(parsed, FEATURES)).toThrow(/local variable out of range/)
    parsed.destroy()
  })

  it('read as WebAssembly text with every register named (the dumps in wat/ show what changed)', async () => {
    const toolkit = await wabt()
    for (const m of modules) {
      const parsed = toolkit.readWasm(moduleBytes(false, m.functions(), { names: true }), { readDebugNames: true, ...FEATURES })
      parsed.applyNames()
      const text = parsed.toText({ foldExprs: true, inlineExport: true })
      parsed.destroy()
      // Every parameter and local is printed by the name its kernel gave it, none by a bare index.
      expect(text, m.name).not.toMatch(/local\.(get|set|tee) \d/)
      await expect(text).toMatchFileSnapshot(path.join(DUMPS, `${m.name}.wat`))
    }
    // No dump is left of a module that is gone.
    expect(fs.readdirSync(DUMPS).sort()).toEqual(modules.map((m) => `${m.name}.wat`).sort())
  })
})

describe('locals', () => {
  it('numbers parameters first, then locals in the order they are declared, each by its name', () => {
    const L = locals()
    const [a, b] = L.params(I32, 'a', 'b')
    const acc = L.group(V128, 'acc', 2)
    const i = L.i32('i')
    expect([a, b, ...acc, i]).toEqual([0, 1, 2, 3, 4])
    const f = wasmFunction('f', L, [...op.get(a), ...op.set(i)])
    expect(f).toMatchObject({ params: [I32, I32], locals: [V128, V128, I32], names: ['a', 'b', 'acc0', 'acc1', 'i'] })
  })

  it('refuses a name used twice and a parameter after a local', () => {
    const L = locals()
    L.params(I32, 'x')
    expect(() => L.i32('x')).toThrow(/declared twice/)
    L.i32('y')
    expect(() => L.params(I32, 'z')).toThrow(/before every local/)
  })
})
