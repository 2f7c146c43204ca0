import { z } from 'zod'
import { channel, event, NoInput } from './define'
import { BackendId } from './engine'

/** Optimisers the studio offers. */
export const OptimizerId = z.enum(['adam', 'sgd', 'rmsprop'])
export type OptimizerId = z.infer<typeof OptimizerId>

/** Each optimiser by the name people know it by (the same in every language). */
export const OPTIMIZER_NAMES: Readonly<Record<OptimizerId, string>> = { adam: 'Adam', sgd: 'SGD', rmsprop: 'RMSprop' }

/** Everything that decides how a run trains; recorded with the run. Defaults are the recommended settings. */
export const TrainConfig = z.object({
  epochs: z.number().int().min(1).max(10_000).default(10),
  batchSize: z.number().int().min(1).max(4096).default(32),
  learningRate: z.number().positive().max(10).default(0.001),
  optimizer: OptimizerId.default('adam'),
  momentum: z.number().min(0).max(0.999).default(0.9),
  seed: z.number().int().min(0).default(42),
  backend: z.union([z.literal('auto'), BackendId]).default('auto'),
  earlyStopping: z
    .object({
      enabled: z.boolean().default(false),
      monitor: z.string().default('val_loss'),
      patience: z.number().int().min(1).default(3),
      restoreBestWeights: z.boolean().default(true)
    })
    .default({ enabled: false, monitor: 'val_loss', patience: 3, restoreBestWeights: true }),
  reduceLrOnPlateau: z
    .object({
      enabled: z.boolean().default(false),
      factor: z.number().gt(0).lt(1).default(0.5),
      patience: z.number().int().min(1).default(2),
      minLearningRate: z.number().min(0).default(1e-6)
    })
    .default({ enabled: false, factor: 0.5, patience: 2, minLearningRate: 1e-6 }),
  classWeights: z.enum(['none', 'balanced']).default('none'),
  /** Scale numeric table columns (and a numeric target) to mean 0 and standard deviation 1, from the training split. */
  standardize: z.boolean().default(true),
  augmentation: z
    .object({
      flip: z.boolean().default(false),
      rotationDegrees: z.number().min(0).max(180).default(0),
      zoom: z.number().min(0).max(0.9).default(0),
      shear: z.number().min(0).max(0.9).default(0),
      brightness: z.number().min(0).max(0.9).default(0)
    })
    .default({ flip: false, rotationDegrees: 0, zoom: 0, shear: 0, brightness: 0 }),
  /** Train on at most this many training items (quick trials on big datasets). */
  maxTrainItems: z.number().int().min(1).optional()
})
export type TrainConfig = z.infer<typeof TrainConfig>

/** The life of a run. `interrupted` means the engine process died; such a run can be resumed from its last checkpoint. */
export const RunStatus = z.enum(['queued', 'running', 'paused', 'completed', 'stopped', 'failed', 'interrupted'])
export type RunStatus = z.infer<typeof RunStatus>

/** Every run status, in the order a run lives through them. */
export const RUN_STATUSES = RunStatus.options

/** Live: an engine holds the run (or is about to). Final: the run will not change by itself. */
const STATUS_PHASES: Readonly<Record<RunStatus, 'live' | 'final'>> = {
  queued: 'live',
  running: 'live',
  paused: 'live',
  completed: 'final',
  stopped: 'final',
  failed: 'final',
  interrupted: 'final'
}

/** True for a status after which a run will not change by itself (it also records when the run ended). */
export function isFinalStatus(status: RunStatus): boolean {
  return STATUS_PHASES[status] === 'final'
}

/** True while a run is queued, training or paused. */
export function isLiveStatus(status: RunStatus): boolean {
  return STATUS_PHASES[status] === 'live'
}

/** True when Resume applies: a paused run, or one that ended without completing (it goes on from its last checkpoint). */
export function isResumableStatus(status: RunStatus): boolean {
  return status === 'paused' || (isFinalStatus(status) && status !== 'completed')
}

/** A run's checkpoints: the latest epoch's, and the best epoch's so far (by the monitored metric). */
export const CheckpointKind = z.enum(['last', 'best'])
export type CheckpointKind = z.infer<typeof CheckpointKind>

/** Metric values by name: `loss`, `acc`, `val_loss`, `val_acc`, `mae`, … */
export const Metrics = z.record(z.string(), z.number())
export type Metrics = z.infer<typeof Metrics>

/** One line of the runs table. */
export const RunSummary = z.object({
  id: z.number().int(),
  status: RunStatus,
  datasetId: z.string(),
  modelId: z.string(),
  backend: z.string().nullable(),
  epochsDone: z.number().int(),
  epochs: z.number().int(),
  lastMetrics: Metrics,
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  message: z.string().nullable()
})
export type RunSummary = z.infer<typeof RunSummary>

/** Metrics of one finished epoch. */
export const EpochMetrics = z.object({ epoch: z.number().int(), metrics: Metrics, learningRate: z.number(), seconds: z.number() })
export type EpochMetrics = z.infer<typeof EpochMetrics>

/** Everything the Train view needs to redraw a run, live or reopened. */
export const RunDetail = RunSummary.extend({
  config: TrainConfig,
  history: z.array(EpochMetrics),
  batchLoss: z.array(z.object({ step: z.number().int(), loss: z.number() })),
  backendReasons: z.array(z.object({ id: z.string(), reason: z.string() })),
  checkpoints: z.array(z.object({ kind: CheckpointKind, epoch: z.number().int() }))
})
export type RunDetail = z.infer<typeof RunDetail>

/** Live progress inside an epoch, throttled to about ten a second. */
export const TrainingProgress = z.object({
  runId: z.number().int(),
  epoch: z.number().int(),
  epochs: z.number().int(),
  batch: z.number().int(),
  batches: z.number().int(),
  step: z.number().int(),
  loss: z.number(),
  samplesPerSecond: z.number(),
  etaSeconds: z.number()
})
export type TrainingProgress = z.infer<typeof TrainingProgress>

const RunRef = z.object({ runId: z.number().int() }).strict()

/** Training channels. */
export const TRAINING_CHANNELS = {
  'training:start': channel(
    z.object({ datasetId: z.string().min(1), modelId: z.string().min(1), config: TrainConfig.default(TrainConfig.parse({})) }).strict(),
    RunSummary
  ),
  'training:pause': channel(RunRef, RunSummary),
  'training:resume': channel(RunRef, RunSummary),
  'training:stop': channel(RunRef, RunSummary),
  'training:runs': channel(NoInput, z.array(RunSummary)),
  'training:run': channel(RunRef, RunDetail),
  'training:augmentation-preview': channel(
    z.object({ datasetId: z.string().min(1), augmentation: TrainConfig.shape.augmentation, count: z.number().int().min(1).max(16).default(8), seed: z.number().int().min(0).default(1) }).strict(),
    z.object({ images: z.array(z.string()) })
  )
}

/** Training events. */
export const TRAINING_EVENTS = {
  'training:progress': event(TrainingProgress),
  'training:epoch': event(z.object({ runId: z.number().int() }).merge(EpochMetrics)),
  'training:status': event(RunSummary),
  'training:warning': event(z.object({ runId: z.number().int(), key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) }))
}
