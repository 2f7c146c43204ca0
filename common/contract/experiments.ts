import { z } from 'zod'
import { channel, NoInput } from './define'
import { EpochMetrics, RunStatus, TrainConfig } from './training'

/** A tag on a run: short words people filter by. */
export const RunTag = z.string().trim().min(1).max(40)

/** One compact line of the experiments table; metric curves are loaded only when runs are compared. */
export const ExperimentRow = z.object({
  id: z.number().int(),
  status: RunStatus,
  datasetId: z.string(),
  datasetName: z.string().nullable(),
  modelId: z.string(),
  modelName: z.string().nullable(),
  /** The model's version when the run started. */
  modelVersion: z.number().int().nullable(),
  epochs: z.number().int(),
  epochsDone: z.number().int(),
  batchSize: z.number().int(),
  learningRate: z.number(),
  optimizer: z.string(),
  /** The metric runs are ranked by: validation accuracy, else validation error, else their training values. */
  mainMetric: z.string().nullable(),
  higherIsBetter: z.boolean(),
  best: z.number().nullable(),
  last: z.number().nullable(),
  durationSeconds: z.number().nullable(),
  backend: z.string().nullable(),
  tags: z.array(z.string()),
  notes: z.string(),
  archived: z.boolean(),
  startedAt: z.string()
})
export type ExperimentRow = z.infer<typeof ExperimentRow>

/** One layer as the architecture diff shows it. */
export const LayerLine = z.object({ id: z.string(), type: z.string(), params: z.record(z.string(), z.unknown()) })
export type LayerLine = z.infer<typeof LayerLine>

/** Everything needed to compare runs: settings, architecture and curves. */
export const RunComparison = z.object({
  id: z.number().int(),
  datasetId: z.string(),
  modelId: z.string(),
  config: TrainConfig,
  layers: z.array(LayerLine),
  history: z.array(EpochMetrics)
})
export type RunComparison = z.infer<typeof RunComparison>

const RunId = z.number().int()

/** Experiment-history channels: list, annotate, archive, delete and compare runs. */
export const EXPERIMENT_CHANNELS = {
  'runs:list': channel(NoInput, z.array(ExperimentRow)),
  'runs:update': channel(
    z.object({ runId: RunId, notes: z.string().max(10_000).optional(), tags: z.array(RunTag).max(20).optional(), archived: z.boolean().optional() }).strict(),
    ExperimentRow
  ),
  /** Deletes a run with its records and files (checkpoints, evaluations); refused while it trains. */
  'runs:delete': channel(z.object({ runId: RunId }).strict(), z.object({ deleted: z.boolean() })),
  'runs:compare': channel(z.object({ runIds: z.array(RunId).min(1).max(10) }).strict(), z.array(RunComparison))
}
