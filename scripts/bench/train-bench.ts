import type * as TfModule from '@tensorflow/tfjs'
import { TrainConfig } from '../../common/contract'
import { buildTemplate } from '../../common/model/templates'
import { selectBackend } from '../../electron/engine/process/backends'
import { compileModel } from '../../electron/engine/train/compile-model'
import { inMemorySource, type TrainingData } from '../../electron/engine/data/data-source'
import { makeOptimizer, train } from '../../electron/engine/train/trainer'
import { wasmThreadsPay } from '../../electron/engine/kernels/threads'

type Tf = typeof TfModule

/** A model the benchmark trains: the seed CNN or the MLP, on 28×28×1 inputs and 10 classes. */
export type BenchModel = 'cnn' | 'mlp'

/** The sample templates the bench models are built from, as a training job builds them. */
export const BENCH_TEMPLATES: Record<BenchModel, 'mnist-cnn' | 'mnist-mlp'> = { cnn: 'mnist-cnn', mlp: 'mnist-mlp' }

/** One timed run: how many batches of 32 were trained after warm-up, and the throughput in samples per second. */
export interface TrainBenchResult {
  backend: string
  model: BenchModel
  /** XNNPACK threads the wasm backend used (1 on other backends). */
  threads: number
  batches: number
  samplesPerSecond: number
  /** Samples per second of this process's CPU time (all its threads): what a quiet machine would give one core. */
  samplesPerCpuSecond: number
  /** Floating-point operations one training sample costs (forward and backward, multiply-adds counted as 2). */
  flopsPerSample: number
}

/** Warm-up and timed batches per model and backend: cpu trains the CNN at about 2 samples/s, so it gets few. */
export interface TrainBenchPlan {
  backend: 'wasm' | 'cpu'
  model: BenchModel
  warmupBatches: number
  batches: number
  /** Force wasm's threads on or off; by default a training job's own choice for this model (wasmThreadsPay). */
  wasmThreads?: boolean
}

const BATCH = 32

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
 * Multiply-add work of one training sample through a model's Dense and Conv2D layers, counted as 2 FLOPs each:
 * the forward pass, the weight gradients (as much again), and the input gradients (as much again) of every layer but
 * the first, whose input needs none. Other layers (pooling, activations, the optimiser) are left out: they are cheap.
 */
export function trainingFlopsPerSample(model: TfModule.LayersModel): number {
  const firstWithWeights = model.layers.findIndex((l) => l.getWeights().length > 0)
  let flops = 0
  model.layers.forEach((layer, i) => {
    const out = layer.outputShape as number[]
    const input = (Array.isArray(layer.input) ? layer.input[0] : layer.input).shape as number[]
    let forward = 0
    if (layer.getClassName() === 'Dense') forward = 2 * input[input.length - 1] * out[out.length - 1]
    if (layer.getClassName() === 'Conv2D') {
      const [kh, kw] = layer.getWeights()[0].shape
      forward = 2 * out[1] * out[2] * out[3] * kh * kw * input[3]
    }
    flops += forward * (i === firstWithWeights ? 2 : 3)
  })
  return flops
}

/**
 * Trains one model for one epoch through the studio's own path (backend selection with a training job's thread choice,
 * the model from its sample template and compiler, the trainer, Adam, batches of 32 from an in-memory source) and
 * measures samples per second over the batches after warm-up. Leaves no tensor behind. The wasm backend keeps the
 * threads it started with for the life of the process: give each plan a fresh process.
 */
export async function benchTraining(plan: TrainBenchPlan): Promise<TrainBenchResult> {
  if (plan.warmupBatches === 0) throw new Error('the bench needs at least one warm-up batch')
  const tf: Tf = await import('@tensorflow/tfjs')
  const spec = buildTemplate(BENCH_TEMPLATES[plan.model], { inputShape: [28, 28, 1], classes: 10 })
  const wasmThreads = plan.wasmThreads ?? wasmThreadsPay(spec)
  const choice = await selectBackend(plan.backend, (r) => r.key, { wasmThreads })
  if (choice.backend !== plan.backend) throw new Error(`backend ${plan.backend} did not start`)
  const threads = plan.backend === 'wasm' ? (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount() : 1
  const config = TrainConfig.parse({ epochs: 1, batchSize: BATCH, optimizer: 'adam', learningRate: 0.001, backend: plan.backend })
  const model = compileModel(tf, spec, { inputShape: [28, 28, 1] })
  const flopsPerSample = trainingFlopsPerSample(model)
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
        // process.cpuUsage costs tens of microseconds (an MLP step is about a millisecond): read it once, at the end.
        if (b.batch === b.batches) cpu = process.cpuUsage(cpuStart)
      }
    })
  } finally {
    optimizer.dispose()
    model.dispose()
  }
  const samples = plan.batches * BATCH
  return {
    backend: plan.backend,
    model: plan.model,
    threads,
    batches: plan.batches,
    samplesPerSecond: samples / ((end - start) / 1000),
    samplesPerCpuSecond: samples / ((cpu.user + cpu.system) / 1e6),
    flopsPerSample
  }
}
