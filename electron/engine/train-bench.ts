import type * as TfModule from '@tensorflow/tfjs'
import { TrainConfig } from '../../common/contract'
import { selectBackend } from './backends'
import { inMemorySource, type TrainingData } from './data-source'
import { makeOptimizer, train } from './trainer'

type Tf = typeof TfModule

/** A model the benchmark trains: the seed CNN or the MLP, on 28×28×1 inputs and 10 classes. */
export type BenchModel = 'cnn' | 'mlp'

/** One timed run: how many batches of 32 were trained after warm-up, and the throughput in samples per second. */
export interface TrainBenchResult {
  backend: string
  model: BenchModel
  batches: number
  samplesPerSecond: number
  /** Samples per second of this process's CPU time (all its threads): what a quiet machine would give one core. */
  samplesPerCpuSecond: number
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
  return tf.sequential({ layers })
}

/** Random 28×28×1 images with random one-hot labels, held in memory like a small image dataset. */
function randomData(samples: number): TrainingData {
  const x = new Float32Array(samples * 784)
  const y = new Float32Array(samples * 10)
  let s = 12345
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    x[i] = s / 2 ** 32
  }
  for (let i = 0; i < samples; i++) y[i * 10 + (i * 7919) % 10] = 1
  return { task: 'classification', inputShape: [28, 28, 1], targetSize: 10, train: inMemorySource(x, y, 784, 10), validation: null }
}

/**
 * Trains one model for one epoch through the studio's own path (backend selection, trainer, Adam, batches of 32 from an
 * in-memory source) and measures samples per second over the batches after warm-up. Leaves no tensor behind.
 */
export async function benchTraining(plan: TrainBenchPlan): Promise<TrainBenchResult> {
  const tf: Tf = await import('@tensorflow/tfjs')
  const choice = await selectBackend(plan.backend, (r) => r.key)
  if (choice.backend !== plan.backend) throw new Error(`backend ${plan.backend} did not start`)
  const config = TrainConfig.parse({ epochs: 1, batchSize: BATCH, optimizer: 'adam', learningRate: 0.001, backend: plan.backend })
  const model = buildModel(tf, plan.model)
  const optimizer = makeOptimizer(tf, config)
  let start = 0
  let end = 0
  let cpuStart = process.cpuUsage()
  let cpu = process.cpuUsage(cpuStart)
  try {
    await train(tf, model, optimizer, randomData((plan.warmupBatches + plan.batches) * BATCH), config, {
      onBatch: (b) => {
        if (b.batch === plan.warmupBatches) {
          start = performance.now()
          cpuStart = process.cpuUsage()
        }
        end = performance.now()
        cpu = process.cpuUsage(cpuStart)
      }
    })
  } finally {
    optimizer.dispose()
    model.dispose()
  }
  if (plan.warmupBatches === 0) throw new Error('the bench needs at least one warm-up batch')
  const samples = plan.batches * BATCH
  return {
    backend: plan.backend,
    model: plan.model,
    batches: plan.batches,
    samplesPerSecond: samples / ((end - start) / 1000),
    samplesPerCpuSecond: samples / ((cpu.user + cpu.system) / 1e6)
  }
}
