import type Database from 'better-sqlite3'
import type { DatasetFitInfo } from '../../common/contract/dataset'
import { exampleShape, featureWidth } from '../../common/data/encode'
import { datasetTask, fitFromInfo, isTaskDecision } from '../../common/data/task'
import { SEQUENCE_PERCENTILE } from '../../common/data/tokenizer'
import { StrataError } from '../../common/errors'
import { analyzeModel, type DatasetFit } from '../../common/model/infer'
import type { ModelSpec } from '../../common/model/spec'
import { fitPreprocessingOn, splitItems } from '../engine/data/prepare-data'
import { getDataset } from '../store/datasets'

/**
 * What a model fitted to a dataset looks like, computed by the training pipeline's own fitting on the training
 * split (so Build shows exactly the shapes training uses): the encoded input shape, the task the target asks for
 * and every head that can learn it, the classes, and for texts the chosen sequence length and how many texts it cuts.
 */
export function datasetFitInfo(db: Database.Database, datasetId: string): DatasetFitInfo {
  const summary = getDataset(db, datasetId)
  const decision = datasetTask(summary)
  const empty: DatasetFitInfo = { datasetId, inputShape: [], task: null, accepts: [], classes: null, noTask: null, text: null, features: [] }
  if (!isTaskDecision(decision)) return { ...empty, noTask: decision.reason === 'targetType' ? { reason: 'targetType', type: decision.type } : { reason: decision.reason } }
  const train = splitItems(db, datasetId, 'train')
  if (!train.length) return { ...empty, task: decision.task, accepts: decision.accepts, classes: decision.classes, noTask: { reason: 'emptyTraining' } }
  const p = fitPreprocessingOn(db, datasetId, train)
  return {
    datasetId,
    inputShape: exampleShape(p),
    task: decision.task,
    accepts: decision.accepts,
    classes: decision.classes,
    noTask: null,
    text: p.kind === 'text' ? { sequenceLength: p.sequenceLength, cut: p.cutTexts ?? 0, texts: p.trainTexts ?? train.length, percentile: SEQUENCE_PERCENTILE * 100 } : null,
    features: p.kind === 'table' ? p.features.map((f) => ({ column: f.column, type: f.type, width: featureWidth(f) })) : []
  }
}

/** What a template is fitted to for a dataset: its encoded input shape, its task and classes (see {@link datasetFitInfo}). */
export function datasetFit(db: Database.Database, datasetId: string): DatasetFit {
  return fitFromInfo(datasetFitInfo(db, datasetId))
}

/**
 * Refuses to train a model on a dataset whose target its head cannot learn (a regressor on classes, a classifier on
 * numbers): MODEL_TASK_MISMATCH, whose message names the fix (fit the model to the dataset).
 */
export function checkModelFitsDataset(db: Database.Database, datasetId: string, spec: ModelSpec): void {
  const summary = getDataset(db, datasetId)
  const decision = datasetTask(summary)
  if (!isTaskDecision(decision)) return
  const declared = spec.task?.kind
  const problem = analyzeModel(spec, { task: decision.task, accepts: decision.accepts, ...(decision.classes !== null ? { classes: decision.classes } : {}) }).problems.find(
    (p) => p.code === 'taskMismatch'
  )
  if (problem && declared) {
    throw new StrataError('MODEL_TASK_MISMATCH', { head: declared, task: decision.task, target: summary.target ?? summary.name, classes: decision.classes ?? 0 })
  }
}
