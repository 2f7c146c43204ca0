import type { CheckpointKind, TrainConfig } from '../../../common/contract'
import type { CheckpointArtifacts } from '../train/checkpoint-artifacts'
import type { Task } from '../../../common/data/preprocessing'
import type { Batch } from '../data/data-source'
import type { JobEvent } from '../process/job-events'
import type { CpuReference } from './calibration'
import type { GpuBackendId } from './detect'

/**
 * The GPU engine's message-port protocol. The main side owns the data and the run folder; the Worker owns TF.js.
 * Batches travel as copied typed arrays (Electron cannot transfer ArrayBuffers between main and a renderer), at
 * most {@link BATCHES_IN_FLIGHT} ahead of training; checkpoints travel back as typed arrays and are written by main.
 */
export const BATCHES_IN_FLIGHT = 3

/** What the Worker needs to know about the data, without the data. */
export interface DataShape {
  task: Task
  inputShape: number[]
  targetSize: number
  trainSize: number
  validationSize: number
  classCounts?: number[]
}

/** A training job as the GPU Worker receives it. */
export interface GpuTrainJob {
  runId: number
  /** The model spec, compiled in the Worker unless `checkpoint` is given. */
  spec: unknown
  config: TrainConfig
  data: DataShape
  /** Resume from this checkpoint (read from `<runDir>/checkpoints/last` by main). */
  checkpoint: CheckpointArtifacts | null
  /** Train on software renderers too (tests in headless Chromium); production leaves it false. */
  allowSoftware: boolean
  /** The GPU backends to try, best first. */
  backends: readonly GpuBackendId[]
  /** Measure the GPU against the CPU for a few steps first and give up the GPU when it is slower. */
  calibrate: boolean
  /** The CPU engine's own speed on this model and first batch, when main measured it. */
  cpuReference: CpuReference | null
}

/** Main → Worker. */
export type ToGpuWorker =
  | { type: 'train'; job: GpuTrainJob }
  | { type: 'batch'; stream: number; batch: Batch | null }
  | { type: 'control'; action: 'pause' | 'resume' | 'stop' }
  | { type: 'ping'; at: number }

/** Worker → main. */
export type FromGpuWorker =
  /** Opens a stream of one epoch's batches of a split; `seed` null keeps the stored order. */
  | { type: 'open'; stream: number; split: 'train' | 'validation'; batchSize: number; seed: number | null }
  /** The Worker consumed a batch of the stream: main may send one more. */
  | { type: 'credit'; stream: number }
  | { type: 'close'; stream: number }
  | { type: 'checkpoint'; kind: CheckpointKind; epoch: number; artifacts: CheckpointArtifacts }
  | { type: 'event'; event: JobEvent }
  | { type: 'pong'; at: number }
  /** The job is over (its last event was sent); the Worker can be ended. */
  | { type: 'finished' }

/** A message port as both sides see it: a DOM MessagePort, Electron's MessagePortMain, or a test's bridge. */
export interface GpuPort<In, Out> {
  postMessage(message: Out): void
  onMessage(listener: (message: In) => void): void
}
