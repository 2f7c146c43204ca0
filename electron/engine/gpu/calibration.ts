import type * as tfType from '@tensorflow/tfjs'
import type { TrainConfig } from '../../../common/contract'
import { StrataError } from '../../../common/errors'
import type { Batch, TrainingData } from '../data/data-source'
import { perSampleLoss } from '../train/losses'
import { makeOptimizer } from '../train/trainer'

type Tf = typeof tfType

/** Timed calibration steps per backend, after one untimed step that compiles shaders. */
const CALIBRATION_STEPS = 3
/** The first step's loss on the GPU and on the CPU must agree this closely (relative) for the GPU to be trusted. */
export const CALIBRATION_LOSS_TOLERANCE = 1e-3

/** What the shape of a batch needs from its dataset. */
export type BatchShape = Pick<TrainingData, 'task' | 'inputShape' | 'targetSize'>

/** A GPU run's measured speed and first loss against the CPU on the same model and batch. */
export interface Calibration {
  gpuSamplesPerSecond: number
  cpuSamplesPerSecond: number
  gpuLoss: number
  cpuLoss: number
}

/** The CPU engine's speed on a job's model and first batch, measured in the CPU engine itself. */
export interface CpuReference {
  backend: string
  samplesPerSecond: number
}

/** What the CPU engine needs to time a job's model: the spec, the config, and one real batch with its shape. */
export interface CpuReferenceJob {
  spec: unknown
  config: TrainConfig
  shape: BatchShape
  batch: Batch
}

/** Mean loss of one optimiser step on a batch and the seconds it took (its loss read back, so the device has finished). */
async function step(tf: Tf, model: tfType.LayersModel, optimizer: tfType.Optimizer, data: BatchShape, batch: Batch): Promise<{ loss: number; seconds: number }> {
  const start = performance.now()
  const lossOut = tf.tidy(() => {
    const x = tf.tensor(batch.x, [batch.n, ...data.inputShape])
    const y = tf.tensor2d(batch.y, [batch.n, data.targetSize])
    return optimizer.minimize(() => tf.mean(perSampleLoss(tf, data.task, y, model.apply(x, { training: false }) as tfType.Tensor)), true) as tfType.Scalar
  })
  const loss = (await lossOut.data())[0]
  lossOut.dispose()
  return { loss, seconds: (performance.now() - start) / 1000 }
}

/**
 * Trains a model a few steps on one batch with a fresh optimiser: the first step's loss (it also compiles shaders or
 * warms caches, so it is not timed) and the samples per second of the timed steps after it. Disposes the model.
 */
export async function timeSteps(tf: Tf, model: tfType.LayersModel, config: TrainConfig, data: BatchShape, batch: Batch): Promise<{ loss: number; samplesPerSecond: number }> {
  const optimizer = makeOptimizer(tf, config)
  try {
    const first = await step(tf, model, optimizer, data, batch)
    let seconds = 0
    for (let i = 0; i < CALIBRATION_STEPS; i++) seconds += (await step(tf, model, optimizer, data, batch)).seconds
    return { loss: first.loss, samplesPerSecond: (CALIBRATION_STEPS * batch.n) / Math.max(seconds, 1e-6) }
  } finally {
    model.dispose()
    optimizer.dispose()
  }
}

async function onBackend(tf: Tf, backend: string, build: () => tfType.LayersModel, weights: Float32Array[], config: TrainConfig, data: BatchShape, batch: Batch) {
  if (!(await tf.setBackend(backend))) throw new StrataError('GPU_UNAVAILABLE', { reason: `TF.js could not switch to ${backend}` })
  const model = build()
  model.setWeights(weights.map((w, i) => tf.tensor(w, model.weights[i].shape as number[])))
  return timeSteps(tf, model, config, data, batch)
}

/**
 * Runs a few steps of the real model on one real batch on the GPU and on TF.js's `cpu` backend from the same
 * weights, so their first losses can be compared, and times the GPU. The CPU speed is the CPU engine's own
 * (`reference`, measured in the engine process) when given, else the `cpu` backend's. Leaves TF.js on the GPU.
 */
export async function calibrate(tf: Tf, gpu: string, build: () => tfType.LayersModel, config: TrainConfig, data: BatchShape, batch: Batch, reference: CpuReference | null): Promise<Calibration> {
  const initial = build()
  const weights = initial.getWeights().map((w) => w.dataSync() as Float32Array)
  initial.dispose()
  const onGpu = await onBackend(tf, gpu, build, weights, config, data, batch)
  const onCpu = await onBackend(tf, 'cpu', build, weights, config, data, batch)
  await tf.setBackend(gpu)
  return { gpuSamplesPerSecond: onGpu.samplesPerSecond, cpuSamplesPerSecond: reference?.samplesPerSecond ?? onCpu.samplesPerSecond, gpuLoss: onGpu.loss, cpuLoss: onCpu.loss }
}
