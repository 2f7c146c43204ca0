import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { TrainConfig } from '../../../common/contract'
import { seededRandom } from '../../../common/random'
import { inMemorySource, type TrainingData } from '../data/data-source'
import { convPoolState } from './conv-gemm'
import { makeOptimizer, train } from '../train/trainer'
import { registerMissingWasmKernels } from './tf-kernels'
import { backendMemory, type WasmHeapBackend } from './emit'
import { startWasmBackend, wasmThreadCount } from './threads'

// The studio's CPU path for convolutional models: wasm with a thread per core and Strata's kernels.
let threads = 0
beforeAll(async () => {
  const start = await startWasmBackend(tf)
  expect(start.started).toBe(true)
  threads = start.threads
  registerMissingWasmKernels(tf)
})

/** Deterministic noise images in [0, 1) whose label (of 4) is the quadrant made brighter: something a CNN learns. */
function imageData(samples: number, size: number): TrainingData {
  const pixels = size * size
  const half = size >> 1
  const x = new Float32Array(samples * pixels)
  const y = new Float32Array(samples * 4)
  const random = seededRandom(7)
  for (let i = 0; i < samples; i++) {
    const label = i % 4
    for (let p = 0; p < pixels; p++) {
      const quadrant = (Math.floor(p / size) < half ? 0 : 2) + (p % size < half ? 0 : 1)
      x[i * pixels + p] = random() * 0.6 + (quadrant === label ? 0.4 : 0)
    }
    y[i * 4 + label] = 1
  }
  return { task: 'classification', inputShape: [size, size, 1], targetSize: 4, train: inMemorySource(x, y, pixels, 4), validation: null }
}

/** A small CNN of the seed's shape: Conv → Pool → Conv → Flatten → Dense → softmax. */
function smallCnn(size: number): tf.LayersModel {
  const L = tf.layers
  return tf.sequential({
    layers: [
      L.conv2d({ inputShape: [size, size, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
      L.maxPooling2d({ poolSize: 2 }),
      L.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
      L.flatten(),
      L.dense({ units: 32, activation: 'relu' }),
      L.dense({ units: 4, activation: 'softmax' })
    ]
  })
}

/** Trains a model from the given weights on one backend and returns the loss of every batch. */
async function lossCurve(backend: 'wasm' | 'cpu', weights: Array<{ values: Float32Array; shape: number[] }>, data: TrainingData, config: TrainConfig): Promise<number[]> {
  expect(await tf.setBackend(backend)).toBe(true)
  const model = smallCnn(data.inputShape[0])
  model.setWeights(weights.map((w) => tf.tensor(w.values, w.shape)))
  const optimizer = makeOptimizer(tf, config)
  const losses: number[] = []
  try {
    await train(tf, model, optimizer, data, config, { onBatch: (b) => losses.push(b.loss) })
  } finally {
    optimizer.dispose()
    model.dispose()
  }
  return losses
}

describe('training on threaded wasm', () => {
  it('uses a thread per core where the machine has more than one', () => {
    expect(threads).toBe(wasmThreadCount())
  })

  it('a seeded CNN run follows the cpu backend loss curve, batch by batch, within 1e-3', async () => {
    const data = imageData(512, 14)
    const config = TrainConfig.parse({ epochs: 3, batchSize: 32, optimizer: 'adam', learningRate: 0.003, seed: 11 })
    expect(await tf.setBackend('wasm')).toBe(true)
    const init = smallCnn(14)
    const weights = init.getWeights().map((w) => ({ values: w.dataSync() as Float32Array, shape: w.shape }))
    init.dispose()
    const onWasm = await lossCurve('wasm', weights, data, config)
    // The second convolution's products ran on both threads (conv-gemm.ts) once its worker had started.
    const pool = convPoolState(backendMemory(tf.findBackend('wasm') as unknown as WasmHeapBackend))
    if (threads > 1) expect(pool?.tasksRun[1]).toBeGreaterThan(0)
    const onCpu = await lossCurve('cpu', weights, data, config)
    expect(await tf.setBackend('wasm')).toBe(true)
    expect(onWasm).toHaveLength(48)
    expect(onCpu).toHaveLength(48)
    // It learns: the last epoch's mean loss is well below the first's, on both.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
    expect(mean(onWasm.slice(32))).toBeLessThan(mean(onWasm.slice(0, 16)) * 0.9)
    for (let i = 0; i < onCpu.length; i++) expect(Math.abs(onWasm[i] - onCpu[i]), `batch ${i + 1}`).toBeLessThan(1e-3)
  })

  it('memory stays flat over a long run: no tensor, no wasm buffer and no resident memory piles up', async () => {
    expect(await tf.setBackend('wasm')).toBe(true)
    const data = imageData(256, 10)
    const config = TrainConfig.parse({ epochs: 1, batchSize: 16, optimizer: 'adam', learningRate: 0.001, seed: 3 })
    const model = smallCnn(10)
    const optimizer = makeOptimizer(tf, config)
    const epochs = async (n: number) => {
      for (let i = 0; i < n; i++) await train(tf, model, optimizer, data, { ...config, seed: i })
    }
    try {
      // Warm-up: the optimiser creates its moments and wasm's heap reaches its working size.
      await epochs(5)
      const tensors = tf.memory().numTensors
      const buffers = tf.memory().numDataBuffers
      const rss = process.memoryUsage().rss
      await epochs(60) // 960 more steps
      expect(tf.memory().numTensors).toBe(tensors)
      expect(tf.memory().numDataBuffers).toBe(buffers)
      expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 2 ** 20)
    } finally {
      optimizer.dispose()
      model.dispose()
    }
  })
})
