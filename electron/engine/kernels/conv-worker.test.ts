import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { convKernels, convPoolState, useConvThreads, type ConvShape, type Scratch } from './conv-gemm'
import { findConvWorker, spawnConvWorker, type ConvWorkerScript } from './threads'

const ROOT = path.resolve(__dirname, '../../..')
const BUILT_MAIN = path.join(ROOT, 'out', 'main')

interface SharedMemory {
  buffer: SharedArrayBuffer
}
/** A shared memory as the threaded wasm build's (the Node typings here leave WebAssembly out). */
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number; shared: true }) => SharedMemory } }).WebAssembly

/** Deterministic floats in [-1, 1). */
function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n)
  let s = seed
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = s / 2 ** 31 - 1
  }
  return out
}

const SHAPE: ConvShape = {
  batchSize: 48, inHeight: 10, inWidth: 10, inChannels: 4, filterHeight: 3, filterWidth: 3, outHeight: 8, outWidth: 8, outChannels: 8,
  strideHeight: 1, strideWidth: 1, top: 0, left: 0
}

/** The input gradient of a "valid" stride-1 convolution, the plain way: dx[b, y+kh, x+kw, c] += dy[b, y, x, o] · W[kh, kw, c, o]. */
function inputGradientReference(s: ConvShape, dy: Float32Array, w: Float32Array): Float32Array {
  const dx = new Float32Array(s.batchSize * s.inHeight * s.inWidth * s.inChannels)
  for (let b = 0; b < s.batchSize; b++)
    for (let y = 0; y < s.outHeight; y++)
      for (let x = 0; x < s.outWidth; x++)
        for (let kh = 0; kh < s.filterHeight; kh++)
          for (let kw = 0; kw < s.filterWidth; kw++)
            for (let c = 0; c < s.inChannels; c++)
              for (let o = 0; o < s.outChannels; o++) {
                const g = dy[((b * s.outHeight + y) * s.outWidth + x) * s.outChannels + o]
                dx[((b * s.inHeight + y + kh) * s.inWidth + x + kw) * s.inChannels + c] += g * w[((kh * s.filterWidth + kw) * s.inChannels + c) * s.outChannels + o]
              }
  return dx
}

const dy = seeded(SHAPE.batchSize * SHAPE.outHeight * SHAPE.outWidth * SHAPE.outChannels, 1)
const w = seeded(SHAPE.filterHeight * SHAPE.filterWidth * SHAPE.inChannels * SHAPE.outChannels, 2)

/** dx as the pool computed it agrees with the plain loops. */
function expectInputGradient(dx: Float32Array): void {
  const reference = inputGradientReference(SHAPE, dy, w)
  let worst = 0
  for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(dx[i] - reference[i]))
  expect(worst).toBeLessThan(1e-5)
}

/**
 * Runs input gradients (a task per image) on a fresh shared memory whose pool has one worker started from `script`,
 * until the worker has run some of the tasks; returns dx and how many tasks the worker ran.
 */
async function runWithWorker(script: ConvWorkerScript): Promise<{ dx: Float32Array; workerTasks: number }> {
  useConvThreads({ count: 2, spawn: (data) => spawnConvWorker(script, data) })
  const memory = new Memory({ initial: 256, maximum: 65536, shared: true })
  const floats = new Float32Array(memory.buffer)
  const s = SHAPE
  const dyAt = 0
  const wtAt = dyAt + dy.length * 4
  const dxAt = wtAt + w.length * 4
  const dxLength = s.batchSize * s.inHeight * s.inWidth * s.inChannels
  floats.set(dy, dyAt / 4)
  // The input gradient reads the filter transposed, as [Cout, KH·KW·C].
  const taps = w.length / s.outChannels
  for (let t = 0; t < taps; t++) for (let o = 0; o < s.outChannels; o++) floats[wtAt / 4 + o * taps + t] = w[t * s.outChannels + o]
  let free = dxAt + dxLength * 4
  const scratch: Scratch = {
    allocate(n) {
      const at = free
      free += Math.ceil(n / 4) * 16
      return at
    },
    release() {}
  }
  const kernels = convKernels(memory)
  if (!kernels) throw new Error('no SIMD here')
  const state = () => convPoolState(memory)
  for (let waited = 0; (state()?.workersStarted ?? 0) < 1 && waited < 20_000; waited += 20) await new Promise((r) => setTimeout(r, 20))
  expect(state()?.workersStarted).toBe(1)
  for (let run = 0; run < 50 && (state()?.tasksRun[1] ?? 0) === 0; run++) kernels.inputGradient(s, dyAt, wtAt, dxAt, scratch)
  return { dx: floats.slice(dxAt / 4, dxAt / 4 + dxLength), workerTasks: state()?.tasksRun[1] ?? 0 }
}

describe("conv-gemm's worker thread", () => {
  it('is bundled from conv-worker.ts where the engine runs from its sources, and takes a share of the tasks', async () => {
    const script = findConvWorker(__dirname)
    expect(script && 'source' in script).toBe(true)
    const { dx, workerTasks } = await runWithWorker(script as ConvWorkerScript)
    expect(workerTasks).toBeGreaterThan(0)
    expectInputGradient(dx)
  })

  it('is the built out/main/conv-worker.js for the built engine (whose shared code sits in out/main/chunks), and takes a share of the tasks', async () => {
    if (!fs.existsSync(path.join(BUILT_MAIN, 'conv-worker.js'))) throw new Error('Build Strata first: npm run build')
    const fromChunk = findConvWorker(path.join(BUILT_MAIN, 'chunks'))
    expect(fromChunk).toEqual({ file: path.join(BUILT_MAIN, 'conv-worker.js') })
    expect(findConvWorker(BUILT_MAIN)).toEqual(fromChunk)
    const { dx, workerTasks } = await runWithWorker(fromChunk as ConvWorkerScript)
    expect(workerTasks).toBeGreaterThan(0)
    expectInputGradient(dx)
  })
})
