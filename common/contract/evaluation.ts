import { z } from 'zod'
import { DatasetItem } from './dataset'
import { channel, event } from './define'
import { CheckpointKind } from './training'

/** The splits a run can be judged on. */
export const EvaluationSplit = z.enum(['test', 'validation'])
export type EvaluationSplit = z.infer<typeof EvaluationSplit>

const Scores = z.object({ precision: z.number(), recall: z.number(), f1: z.number() })

/** Precision, recall, F1 and support of one class. */
export const ClassScores = Scores.extend({ label: z.string(), support: z.number().int() })
export type ClassScores = z.infer<typeof ClassScores>

/** A curve as parallel arrays, thresholds falling (the first is above every score). */
export const Curve = z.object({ x: z.array(z.number()), y: z.array(z.number()), thresholds: z.array(z.number()) })
export type Curve = z.infer<typeof Curve>

/** ROC and precision-recall curves of a yes/no model, for its positive class. */
export const BinaryCurves = z.object({
  positiveClass: z.string(),
  positives: z.number().int(),
  negatives: z.number().int(),
  roc: Curve,
  pr: Curve,
  rocAuc: z.number(),
  averagePrecision: z.number()
})
export type BinaryCurves = z.infer<typeof BinaryCurves>

/** How well a classifier did: accuracy, per-class scores, averages, confusion[actual][predicted], and curves for yes/no models. */
export const ClassificationReport = z.object({
  task: z.enum(['classification', 'binary']),
  classes: z.array(z.string()),
  accuracy: z.number(),
  perClass: z.array(ClassScores),
  macro: Scores,
  weighted: Scores,
  confusion: z.array(z.array(z.number().int())),
  binary: BinaryCurves.nullable()
})
export type ClassificationReport = z.infer<typeof ClassificationReport>

/** How well a regression model did, in the target's units, with points for the scatter and residual plots. */
export const RegressionReport = z.object({
  task: z.literal('regression'),
  target: z.string(),
  mae: z.number(),
  mse: z.number(),
  rmse: z.number(),
  r2: z.number(),
  /** [actual, predicted] pairs (at most a few thousand, evenly sampled). */
  points: z.array(z.tuple([z.number(), z.number()]))
})
export type RegressionReport = z.infer<typeof RegressionReport>

/** A stored evaluation of a run on one split. `stale` once the dataset changed, or the run trained further, after it was computed. */
export const Evaluation = z.object({
  runId: z.number().int(),
  split: EvaluationSplit,
  computedAt: z.string(),
  itemCount: z.number().int(),
  checkpoint: CheckpointKind,
  backend: z.string(),
  stale: z.boolean(),
  /** Changes made to the dataset since this evaluation (relabelled or removed items, new splits…). */
  editsSince: z.number().int(),
  /** The run's checkpoint changed since (it was resumed and trained further). */
  retrained: z.boolean(),
  report: z.union([ClassificationReport, RegressionReport])
})
export type Evaluation = z.infer<typeof Evaluation>

/** One evaluated item of a confusion-matrix cell: what it is, what it was called, with what probabilities. */
export const EvaluationExample = z.object({
  itemId: z.number().int(),
  actual: z.string(),
  predicted: z.string(),
  probabilities: z.record(z.string(), z.number()),
  /** The item as it is now; null once it was removed from the dataset. */
  item: DatasetItem.nullable()
})
export type EvaluationExample = z.infer<typeof EvaluationExample>

/** What a model says about one input: class probabilities, or a value. */
export const Prediction = z.union([
  z.object({ label: z.string(), probabilities: z.record(z.string(), z.number()) }),
  z.object({ value: z.number() })
])
export type Prediction = z.infer<typeof Prediction>

/** What predict did with a table row besides predicting: feature columns it filled as training did, categories training never saw. */
export const PredictionNotes = z.object({
  filled: z.array(z.string()).default([]),
  unseen: z.array(z.object({ column: z.string(), value: z.string() })).default([])
})
export type PredictionNotes = z.infer<typeof PredictionNotes>

/** One input typed or dropped in the try-it panel. */
export const TryInput = z.union([
  z.object({ image: z.string().max(12 * 1024 * 1024) }).strict(),
  z.object({ values: z.record(z.string(), z.string().nullable()) }).strict(),
  z.object({ text: z.string().max(100_000) }).strict()
])
export type TryInput = z.infer<typeof TryInput>

/** What the try-it panel asks for, from the preprocessing saved with the run. */
export const TryForm = z.object({
  runId: z.number().int(),
  kind: z.enum(['images', 'table', 'text']),
  task: z.enum(['classification', 'binary', 'regression']),
  classes: z.array(z.string()),
  target: z.string().nullable(),
  /** Table columns to fill in: numbers, yes/no flags, or one of some categories. */
  fields: z.array(z.object({ name: z.string(), type: z.enum(['number', 'flag', 'category', 'date']), categories: z.array(z.string()), example: z.string().nullable() })),
  image: z.object({ width: z.number().int(), height: z.number().int(), channels: z.number().int() }).nullable()
})
export type TryForm = z.infer<typeof TryForm>

/** Mean ± standard deviation of one metric over folds. */
export const MeanStd = z.object({ mean: z.number(), std: z.number() })

/** k-fold cross-validation of a run's setup on its dataset's training and validation items. */
export const CrossValidation = z.object({
  runId: z.number().int(),
  k: z.number().int(),
  epochs: z.number().int(),
  computedAt: z.string(),
  task: z.enum(['classification', 'binary', 'regression']),
  folds: z.array(z.object({ fold: z.number().int(), items: z.number().int(), metrics: z.record(z.string(), z.number()) })),
  summary: z.record(z.string(), MeanStd)
})
export type CrossValidation = z.infer<typeof CrossValidation>

/** Progress of a cross-validation: which fold trains, and its epoch. */
export const CrossValidationProgress = z.object({ runId: z.number().int(), fold: z.number().int(), k: z.number().int(), epoch: z.number().int(), epochs: z.number().int() })
export type CrossValidationProgress = z.infer<typeof CrossValidationProgress>

const RunSplit = z.object({ runId: z.number().int(), split: EvaluationSplit.default('test') }).strict()

/** Evaluation channels: judge a run on a split, inspect cells, correct items, try inputs, cross-validate. */
export const EVALUATION_CHANNELS = {
  /** Computes (in an engine process) and stores a run's evaluation on a split. */
  'evaluation:run': channel(RunSplit, Evaluation),
  /** The stored evaluation, or null when the run was never evaluated on that split. */
  'evaluation:get': channel(RunSplit, Evaluation.nullable()),
  'evaluation:examples': channel(
    z
      .object({
        runId: z.number().int(),
        split: EvaluationSplit.default('test'),
        actual: z.string(),
        predicted: z.string(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(200).default(48)
      })
      .strict(),
    z.object({ total: z.number().int(), examples: z.array(EvaluationExample) })
  ),
  /** Relabels or removes an item seen in the drill-down; the run's evaluations become stale (retrain needed). */
  'evaluation:update-item': channel(
    z.object({ runId: z.number().int(), split: EvaluationSplit.default('test'), itemId: z.number().int(), label: z.string().min(1).optional(), remove: z.boolean().optional() }).strict(),
    Evaluation
  ),
  'evaluation:try-form': channel(z.object({ runId: z.number().int() }).strict(), TryForm),
  /** Runs a run's model on one input in a warm engine process, with the run's saved preprocessing. */
  'evaluation:predict': channel(z.object({ runId: z.number().int(), input: TryInput }).strict(), z.object({ prediction: Prediction, milliseconds: z.number(), notes: PredictionNotes })),
  'evaluation:cross-validate': channel(
    z.object({ runId: z.number().int(), k: z.number().int().min(2).max(10).default(5), epochs: z.number().int().min(1).max(1000).optional() }).strict(),
    CrossValidation
  ),
  'evaluation:cross-validation': channel(z.object({ runId: z.number().int() }).strict(), CrossValidation.nullable())
}

/** Evaluation events. */
export const EVALUATION_EVENTS = {
  'evaluation:cross-validation-progress': event(CrossValidationProgress)
}
