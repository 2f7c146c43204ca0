import type * as TfModule from '@tensorflow/tfjs'
import { registerMissingWasmKernels } from './wasm-kernels'

type Tf = typeof TfModule

/** A model the benchmark trains: the seed CNN or the MLP, on 28×28×1 inputs and 10 classes. */
export type BenchModel = 'cnn' | 'mlp'

/** One timed run: how many batches of 32 were trained after warm-up, and the throughput in samples per second. */
export interface TrainBenchResult {
  backend: string
  model: BenchModel
  batches: number
  samplesPerSecond: number
}

/** Warm-up and timed batches per model and backend: cpu trains the CNN at about 2 samples/s, so it gets few. */
export interface TrainBenchPlan {
  backend: 'wasm' | 'cpu'
  model: BenchModel
  warmupBatches: number
  batches: number
}

const BATCH = 32

function buildModel(tf: Tf, kind: BenchModel): TfModule.LayersModel {
  const L = tf.layers
  const layers = kind === 'cnn'
    ? [
        L.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
        L.maxPooling2d({ poolSize: 2 }),
        L.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
        L.maxPooling2d({ poolSize: 2 }),
        L.flatten(),
        L.dense({ units: 128, activation: 'relu' }),
        L.dense({ units: 10, activation: 'softmax' })
      ]
    : [L.flatten({ inputShape: [28, 28, 1] }), L.dense({ units: 128, activation: 'relu' }), L.dense({ units: 10, activation: 'softmax' })]
  const model = tf.sequential({ layers })
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' })
  return model
}

/**
 * Trains one model on one backend with Adam on random 28×28×1 batches of 32 and measures samples per second
 * after warm-up. Sets the backend (registering the missing wasm kernels first) and leaves no tensor behind.
 */
export async function benchTraining(tf: Tf, plan: TrainBenchPlan): Promise<TrainBenchResult> {
  if (plan.backend === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm')
    registerMissingWasmKernels(tf)
  }
  if (!(await tf.setBackend(plan.backend))) throw new Error(`backend ${plan.backend} did not start`)
  const model = buildModel(tf, plan.model)
  const xs = tf.randomUniform([BATCH, 28, 28, 1])
  const ys = tf.tidy(() => tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32'), 10))
  for (let i = 0; i < plan.warmupBatches; i++) await model.trainOnBatch(xs, ys)
  const start = performance.now()
  for (let i = 0; i < plan.batches; i++) await model.trainOnBatch(xs, ys)
  const seconds = (performance.now() - start) / 1000
  model.optimizer.dispose()
  model.dispose()
  tf.dispose([xs, ys])
  return { backend: plan.backend, model: plan.model, batches: plan.batches, samplesPerSecond: (plan.batches * BATCH) / seconds }
}
