import fs from 'node:fs'
import os from 'node:os'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { startWasmBackend, wasmThreadCount } from './threads'

describe('startWasmBackend', () => {
  it('starts wasm with one XNNPACK thread per core and puts back everything it patched while starting', async () => {
    const createObjectURL = URL.createObjectURL
    const cpus = os.cpus
    // This process's own temporary scripts (other test files start wasm in processes of their own meanwhile).
    const tempBefore = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith(`strata-wasm-worker-${process.pid}-`))
    const { started, threads } = await startWasmBackend(tf)
    expect(started).toBe(true)
    expect(tf.getBackend()).toBe('wasm')
    // A one-core machine keeps the single-threaded build; every other gets a thread per core.
    expect(threads).toBe(wasmThreadCount())
    expect(URL.createObjectURL).toBe(createObjectURL)
    expect(os.cpus).toBe(cpus)
    expect(os.cpus().length).toBe(cpus().length)
    expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith(`strata-wasm-worker-${process.pid}-`))).toEqual(tempBefore)
    // A second call finds the backend started and keeps its threads.
    expect(await startWasmBackend(tf)).toEqual({ started: true, threads })
  })

  it('computes a convolution and a matmul as the cpu backend does', async () => {
    await startWasmBackend(tf)
    const x = tf.randomUniform([8, 28, 28, 16], -1, 1, 'float32', 1)
    const f = tf.randomUniform([3, 3, 16, 32], -1, 1, 'float32', 2)
    const a = tf.randomUniform([64, 300], -1, 1, 'float32', 3)
    const b = tf.randomUniform([300, 70], -1, 1, 'float32', 4)
    const onWasm = [tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same').dataSync(), tf.matMul(a, b).dataSync()]
    const inputs = [x, f, a, b].map((t) => t.dataSync())
    tf.dispose([x, f, a, b])
    expect(await tf.setBackend('cpu')).toBe(true)
    const [cx, cf, ca, cb] = [tf.tensor4d(inputs[0], [8, 28, 28, 16]), tf.tensor4d(inputs[1], [3, 3, 16, 32]), tf.tensor2d(inputs[2], [64, 300]), tf.tensor2d(inputs[3], [300, 70])]
    const onCpu = [tf.conv2d(cx, cf, 1, 'same').dataSync(), tf.matMul(ca, cb).dataSync()]
    tf.dispose([cx, cf, ca, cb])
    for (let k = 0; k < onCpu.length; k++) {
      let worst = 0
      for (let i = 0; i < onCpu[k].length; i++) worst = Math.max(worst, Math.abs(onWasm[k][i] - onCpu[k][i]))
      expect(worst).toBeLessThan(1e-4)
    }
    expect(await tf.setBackend('wasm')).toBe(true)
  })
})
