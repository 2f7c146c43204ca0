import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../../../common/random'
import { simdAdam } from './adam'
import { backendMemory, type WasmHeapBackend } from './emit'
import { startWasmBackend } from './threads'

interface HeapBackend extends WasmHeapBackend {
  dataIdMap: { get(dataId: object): { memoryOffset: number } }
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array
}

beforeAll(async () => {
  expect((await startWasmBackend(tf)).started).toBe(true)
  expect(await tf.setBackend('wasm')).toBe(true)
})

describe('simdAdam', () => {
  it.each([1, 3, 4, 5, 37, 1029])('updates %i weights as Adam does, the last 0–3 one at a time', (count) => {
    const backend = tf.backend() as unknown as HeapBackend
    const kernel = simdAdam(backendMemory(backend))
    expect(kernel).not.toBeNull()
    const random = seededRandom(count)
    const values = () => Float32Array.from({ length: count }, () => random() * 2 - 1)
    const [w, g, m] = [values(), values(), values()]
    const v = Float32Array.from(values(), Math.abs)
    const tensors = [w, g, m, v, new Float32Array(count)].map((a) => tf.tensor1d(a))
    const k = { b1: 0.9, b2: 0.999, c1: 0.1, c2: 0.001, r1: 1 / 0.271, r2: 1 / 0.003, epsilon: 1e-7, step: -0.01 }
    const offset = (t: tf.Tensor) => backend.dataIdMap.get(t.dataId).memoryOffset
    kernel!(offset(tensors[0]), offset(tensors[1]), offset(tensors[2]), offset(tensors[3]), offset(tensors[4]), count, k)
    const [, , mOut, vOut, out] = tensors.map((t) => t.dataSync())
    for (let j = 0; j < count; j++) {
      const mj = k.b1 * m[j] + k.c1 * g[j]
      const vj = k.b2 * v[j] + k.c2 * g[j] * g[j]
      expect(mOut[j]).toBeCloseTo(mj, 6)
      expect(vOut[j]).toBeCloseTo(vj, 6)
      expect(out[j]).toBeCloseTo(w[j] + ((k.r1 * mj) / (Math.sqrt(k.r2 * vj) + k.epsilon)) * k.step, 5)
    }
    // The weights and gradients are only read.
    expect(Array.from(tensors[0].dataSync())).toEqual(Array.from(w))
    expect(Array.from(tensors[1].dataSync())).toEqual(Array.from(g))
    tf.dispose(tensors)
  })

  it('answers null for anything but a WebAssembly memory', () => {
    expect(simdAdam(undefined)).toBeNull()
    expect(simdAdam(new ArrayBuffer(64))).toBeNull()
  })
})
