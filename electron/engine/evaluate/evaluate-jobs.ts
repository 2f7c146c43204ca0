import fs from 'node:fs'
import path from 'node:path'
import type * as tfType from '@tensorflow/tfjs'
import type { BinaryCurves, ClassificationReport, CrossValidation, CrossValidationProgress, RegressionReport } from '../../../common/contract'
import { StrataError } from '../../../common/errors'
import { translate } from '../../../common/i18n'
import {
  averagePrecision,
  classificationReport,
  confusionMatrix,
  meanStd,
  precisionRecallCurve,
  regressionReport,
  rocCurve,
  trapezoidArea
} from '../../../common/metrics'
import { ModelSpecSchema } from '../../../common/model/spec'
import type { DatasetItem } from '../../../common/contract/dataset'
import type { EvaluatedItem, NewEvaluation } from '../../store/evaluations'
import { selectBackend } from '../process/backends'
import type { BatchSource, TrainingData } from '../data/data-source'
import { buildModelFor } from '../train/job-deps'
import { encodeItems, encodeSplit, fitChoicesOf, fitPreprocessingOn, openProjectReadOnly, splitItems, type RawExample } from '../data/prepare-data'
import { classCounts, decodeOutputs, exampleShape, targetWidth } from '../../../common/data/encode'
import { parseNumberCell } from '../../../common/data/cells'
import type { Prediction } from '../../../common/contract'
import type { Preprocessing } from '../../../common/data/preprocessing'
import { shuffledIndices } from '../../../common/random'
import { loadRunModel, predictExamples, runCheckpoint, runCheckpointKind } from '../train/run-model'
import { evaluateSplit, makeOptimizer, train } from '../train/trainer'
import type { CrossValidateJob, EvaluateJob } from '../process/protocol'

type Tf = typeof tfType

/** Most [actual, predicted] points a regression report keeps for its plots. */
export const MAX_PLOT_POINTS = 2000
const PREDICT_BATCH = 256
/** Models the warm engine keeps loaded for try-it requests. */
const MODEL_CACHE_SIZE = 3

let backendReady: Promise<string> | null = null

/** Picks the best backend once per engine process. */
function ensureBackend(): Promise<string> {
  backendReady ??= selectBackend('auto', (r) => translate('en', `backends.reasons.${r.key}`, r.params)).then(
    (c) => c.backend,
    (err: unknown) => {
      // A warm engine tries again on its next request rather than failing for good.
      backendReady = null
      throw err
    }
  )
  return backendReady
}

/** Model outputs [n, targetWidth] of a whole batch source, in its stored order. */
async function predictSource(tf: Tf, model: tfType.LayersModel, p: Preprocessing, source: BatchSource): Promise<Float32Array> {
  const width = targetWidth(p)
  const out = new Float32Array(source.size * width)
  let offset = 0
  for await (const batch of source.batches(PREDICT_BATCH, null)) {
    const values = tf.tidy(() => (model.predict(tf.tensor(batch.x, [batch.n, ...exampleShape(p)])) as tfType.Tensor).dataSync() as Float32Array)
    out.set(values, offset)
    offset += batch.n * width
  }
  return out
}

/** What a classifier or regressor made of some items: the report and one line per item. */
export function scorePredictions(p: Preprocessing, items: DatasetItem[], predictions: Prediction[]): { report: ClassificationReport | RegressionReport; evaluated: EvaluatedItem[] } {
  if (p.task === 'regression') {
    const decimal = p.kind === 'table' ? p.targetDecimal : '.'
    const actual = items.map((i) => parseNumberCell(i.label, decimal) ?? NaN)
    const predicted = predictions.map((q) => ('value' in q ? q.value : NaN))
    const ok = actual.map((a, i) => Number.isFinite(a) && Number.isFinite(predicted[i]))
    const a = actual.filter((_, i) => ok[i])
    const q = predicted.filter((_, i) => ok[i])
    const step = Math.max(1, Math.ceil(a.length / MAX_PLOT_POINTS))
    const points: Array<[number, number]> = []
    for (let i = 0; i < a.length; i += step) points.push([a[i], q[i]])
    return {
      report: { task: 'regression', target: p.kind === 'table' ? p.target : 'value', ...regressionReport(a, q), points },
      evaluated: items.map((item, i) => ({ itemId: item.id, actual: item.label ?? '', predicted: String(predicted[i]), output: { value: predicted[i] } }))
    }
  }
  const classes = p.classes ?? []
  const index = new Map(classes.map((c, k) => [c, k]))
  const probs = predictions.map((q) => ('probabilities' in q ? q.probabilities : {}))
  const predictedLabels = predictions.map((q) => ('label' in q ? q.label : ''))
  const actualIdx = items.map((i) => index.get(i.label ?? '') ?? -1)
  const confusion = confusionMatrix(actualIdx, predictedLabels.map((l) => index.get(l) ?? -1), classes.length)
  let binary: BinaryCurves | null = null
  // Any two-class model (sigmoid or a softmax over two) gets ROC and precision-recall curves for its second class.
  if (classes.length === 2) {
    const known = actualIdx.map((k) => k >= 0)
    const scores = probs.map((pr) => pr[classes[1]] ?? 0).filter((_, i) => known[i])
    const positive = actualIdx.filter((k) => k >= 0).map((k) => k === 1)
    const roc = rocCurve(scores, positive)
    const pr = precisionRecallCurve(scores, positive)
    const positives = positive.filter(Boolean).length
    binary = { positiveClass: classes[1], positives, negatives: positive.length - positives, roc, pr, rocAuc: trapezoidArea(roc.x, roc.y), averagePrecision: averagePrecision(pr) }
  }
  return {
    report: { task: p.task === 'binary' ? 'binary' : 'classification', classes, ...classificationReport(confusion, classes), binary },
    evaluated: items.map((item, i) => ({ itemId: item.id, actual: item.label ?? '', predicted: predictedLabels[i], output: probs[i] }))
  }
}

/** Judges a run's trained model (best checkpoint, else last) on one split; leaves no tensors behind. */
export async function evaluateRun(job: EvaluateJob): Promise<NewEvaluation> {
  const tf = await import('@tensorflow/tfjs')
  const backend = await ensureBackend()
  if (!job.preprocessing) throw new StrataError('RUN_NOT_TRAINED', { runId: job.runId })
  const p = job.preprocessing
  const checkpoint = runCheckpointKind(job.runDir)
  const model = await loadRunModel(tf, job.runDir)
  const db = openProjectReadOnly(job.projectRoot)
  try {
    const { source, items } = await encodeSplit(db, job.projectRoot, job.datasetId, p, job.split)
    if (!items.length) throw new StrataError('TOO_FEW_ITEMS', { reason: `the ${job.split} split of this dataset is empty. Change the split on the Data screen.` })
    const outputs = await predictSource(tf, model, p, source)
    const { report, evaluated } = scorePredictions(p, items, decodeOutputs(p, outputs, items.length))
    return { runId: job.runId, split: job.split, itemCount: items.length, checkpoint, backend, report, items: evaluated }
  } finally {
    db.close()
    model.dispose()
  }
}

interface CachedModel {
  key: string
  model: tfType.LayersModel
}
const modelCache = new Map<number, CachedModel>()

/** The cache key of a run's model: its checkpoint folder and when its weights were written (a resumed run writes new ones). */
function checkpointKey(runDir: string): string {
  const dir = runCheckpoint(runDir)
  return `${dir}:${fs.statSync(path.join(dir, 'weights.bin')).mtimeMs}`
}

/** Predicts raw examples with a run's model, loading it once and keeping the last few loaded for instant answers. */
export async function predictWithRun(runId: number, runDir: string, preprocessing: Preprocessing, examples: RawExample[]): Promise<Prediction[]> {
  const tf = await import('@tensorflow/tfjs')
  await ensureBackend()
  if (!preprocessing) throw new StrataError('RUN_NOT_TRAINED', { runId })
  const key = checkpointKey(runDir)
  let cached = modelCache.get(runId)
  if (!cached || cached.key !== key) {
    cached?.model.dispose()
    cached = { key, model: await loadRunModel(tf, runDir) }
  }
  // Most recently used last, so the first entry is the one to drop.
  modelCache.delete(runId)
  modelCache.set(runId, cached)
  while (modelCache.size > MODEL_CACHE_SIZE) {
    const [oldest, entry] = modelCache.entries().next().value as [number, CachedModel]
    entry.model.dispose()
    modelCache.delete(oldest)
  }
  // Images cross the process boundary as plain byte arrays.
  const raw = examples.map((e) => ('image' in e ? { image: Buffer.from(e.image) } : e))
  return predictExamples(tf, cached.model, preprocessing, raw)
}

/** Which fold (0..k-1) each item is held out in: a seeded shuffle, dealt out class by class so every fold keeps the class mix. */
export function assignFolds(labels: Array<string | null>, k: number, seed: number, stratify: boolean): number[] {
  const order = Array.from(shuffledIndices(labels.length, seed))
  if (stratify) order.sort((a, b) => ((labels[a] ?? '') < (labels[b] ?? '') ? -1 : (labels[a] ?? '') > (labels[b] ?? '') ? 1 : 0))
  const fold = new Array<number>(labels.length)
  order.forEach((item, j) => (fold[item] = j % k))
  return fold
}

/** Scores of a model on held-out items, named as the cross-validation table shows them. */
function foldMetrics(p: Preprocessing, items: DatasetItem[], predictions: Prediction[], loss: number | undefined): Record<string, number> {
  const { report } = scorePredictions(p, items, predictions)
  const out: Record<string, number> = loss === undefined ? {} : { loss }
  if (report.task === 'regression') return { ...out, mae: report.mae, rmse: report.rmse, r2: report.r2 }
  Object.assign(out, { accuracy: report.accuracy, macro_f1: report.macro.f1, weighted_f1: report.weighted.f1 })
  if (report.binary) out.roc_auc = report.binary.rocAuc
  return out
}

/**
 * k-fold cross-validation of a run's setup: its training and validation items are cut into k folds; k models train,
 * each on k-1 folds with preprocessing fitted on those alone, and are scored on the fold they did not see.
 */
export async function crossValidate(job: CrossValidateJob, onProgress: (p: CrossValidationProgress) => void): Promise<CrossValidation> {
  const tf = await import('@tensorflow/tfjs')
  await ensureBackend()
  const spec = ModelSpecSchema.parse(job.spec)
  const db = openProjectReadOnly(job.projectRoot)
  try {
    const items = [...splitItems(db, job.datasetId, 'train'), ...splitItems(db, job.datasetId, 'validation')]
    if (items.length < job.k * 2) throw new StrataError('TOO_FEW_ITEMS', { reason: `${items.length} training and validation items cannot make ${job.k} folds of at least 2.` })
    const choices = fitChoicesOf(spec, job.config.standardize)
    const probe = fitPreprocessingOn(db, job.datasetId, items, choices)
    const fold = assignFolds(items.map((i) => i.label), job.k, job.config.seed, probe.task !== 'regression')
    const folds: CrossValidation['folds'] = []
    for (let f = 0; f < job.k; f++) {
      const trainItems = items.filter((_, i) => fold[i] !== f)
      const heldOut = items.filter((_, i) => fold[i] === f)
      const p = fitPreprocessingOn(db, job.datasetId, trainItems, choices)
      const trainSet = await encodeItems(job.projectRoot, p, trainItems, { augmentation: job.config.augmentation })
      const testSet = await encodeItems(job.projectRoot, p, heldOut)
      const data: TrainingData = {
        task: p.task,
        inputShape: exampleShape(p),
        targetSize: targetWidth(p),
        train: trainSet.source,
        validation: null,
        classCounts: p.task === 'regression' ? undefined : classCounts(trainItems.map((i) => i.label), p.classes ?? [])
      }
      const model = await buildModelFor(tf, spec, data, job.projectRoot, job.config.seed + f)
      const optimizer = makeOptimizer(tf, job.config)
      try {
        await train(tf, model, optimizer, data, job.config, {
          onEpoch: (e) => onProgress({ runId: job.runId, fold: f + 1, k: job.k, epoch: e.epoch, epochs: job.config.epochs })
        })
        const loss = (await evaluateSplit(tf, model, data, testSet.source, PREDICT_BATCH)).loss
        const outputs = await predictSource(tf, model, p, testSet.source)
        folds.push({ fold: f + 1, items: heldOut.length, metrics: foldMetrics(p, heldOut, decodeOutputs(p, outputs, heldOut.length), loss) })
      } finally {
        model.dispose()
        optimizer.dispose()
      }
    }
    const names = Object.keys(folds[0]?.metrics ?? {})
    const summary = Object.fromEntries(names.map((n) => [n, meanStd(folds.map((f) => f.metrics[n]))]))
    return { runId: job.runId, k: job.k, epochs: job.config.epochs, computedAt: new Date().toISOString(), task: probe.task, folds, summary }
  } finally {
    db.close()
  }
}
