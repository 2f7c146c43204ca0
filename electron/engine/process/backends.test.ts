import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { probeBackends } from './backends'

const installed = (pkg: string): boolean => {
  try {
    createRequire(__filename).resolve(`${pkg}/package.json`)
    return true
  } catch {
    return false
  }
}

describe('probeBackends', () => {
  it('reports every backend best first, chooses the best available one, and explains the others', async () => {
    const report = await probeBackends()
    expect(report.backends.map((b) => b.id)).toEqual(['node-gpu', 'node', 'wasm', 'cpu'])
    const firstAvailable = report.backends.find((b) => b.available)
    expect(report.chosen).toBe(firstAvailable?.id)
    for (const b of report.backends) {
      if (b.id !== report.chosen) expect(b.reason, `${b.id} needs a reason`).toBeDefined()
    }
  })

  it('WebAssembly starts (setBackend really switched) and reports its SIMD support', async () => {
    const report = await probeBackends()
    const wasm = report.backends.find((b) => b.id === 'wasm')!
    expect(wasm.available).toBe(true)
    expect(typeof wasm.features.simd).toBe('boolean')
  })

  for (const [id, pkg] of [
    ['node-gpu', '@tensorflow/tfjs-node-gpu'],
    ['node', '@tensorflow/tfjs-node']
  ] as const) {
    it(`backend=${id}: a missing package is reported as not installed, naming the package`, async ({ skip }) => {
      if (installed(pkg)) skip()
      const status = (await probeBackends()).backends.find((b) => b.id === id)!
      expect(status.available).toBe(false)
      expect(status.reason).toEqual({ key: 'notInstalled', params: { backend: pkg } })
    })
  }
})
