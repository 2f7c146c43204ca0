import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { TrainConfig } from '../../../common/contract'
import type { DatasetColumn, DatasetItem, DatasetSummary, SplitName } from '../../../common/contract/dataset'
import { StrataError } from '../../../common/errors'
import type { ModelSpec, TaskKind } from '../../../common/model/spec'
import { datasetTask, isTaskDecision, taskFor, type TaskDecision } from '../../../common/data/task'
import { datasetCells, readSettings } from '../../store/dataset-settings'
import { readBlob } from '../../store/blobs'
import { featureColumns, getDataset, iterateItems } from '../../store/datasets'
import { decodeImageRgb } from '../../store/image-decode'
import { PROJECT_DB_FILE } from '../../store/project-db'
import { augmentImage, wantsAugmentation } from './augment'
import { inMemorySource, type Batch, type BatchSource, type TrainingData } from './data-source'
import { seededRandom, shuffledIndices } from '../../../common/random'
import { FALSY_CELLS, TRUTHY_CELLS, dateOrderOf, isMissingCell, isTruthyCell, parseDateCell, parseNumberCell, type DecimalMark } from '../../../common/data/cells'
import { classCounts, encodeRow, encodeTargets, exampleShape, exampleSize, hasTarget, imageInputShape, orderedClasses, targetWidth, toChannels } from '../../../common/data/encode'
import { PREPROCESSING_FORMAT, type FeatureEncoding, type ImagePreprocessing, type Preprocessing } from '../../../common/data/preprocessing'
import { chooseSequenceLength, countLonger, encodeText, tokenize, vocabularyIndex } from '../../../common/data/tokenizer'

/** Largest number of decoded image bytes kept in memory; larger image sets are decoded batch by batch. */
export const IMAGE_CACHE_BYTES = 768 * 1024 * 1024
const MAX_CATEGORIES = 50
const DECODE_CONCURRENCY = 4

function inputShapeOf(spec: ModelSpec): number[] {
  const input = spec.nodes.find((n) => n.type === 'Input')
  const shape = input?.params.shape
  if (!Array.isArray(shape) || !shape.length) throw new StrataError('MODEL_HAS_PROBLEMS', { problems: 'the model has no Input with a shape.' })
  return shape
}

function firstLayerIsRescaling(spec: ModelSpec): boolean {
  const input = spec.nodes.find((n) => n.type === 'Input')
  const next = spec.edges.find((e) => e.source === input?.id)
  return spec.nodes.find((n) => n.id === next?.target)?.type === 'Rescaling'
}

/** The items of one split in stored order (at most `limit`); rows without a target are in no split. */
function items(db: Database.Database, datasetId: string, split: SplitName, limit?: number): DatasetItem[] {
  const out: DatasetItem[] = []
  for (const item of iterateItems(db, datasetId, { split })) {
    out.push(item)
    if (limit !== undefined && out.length >= limit) break
  }
  return out
}

/** A split of images held as bytes; batches are scaled to floats and, for training, augmented. */
function imageSource(bytes: Uint8Array, y: Float32Array, shape: [number, number, number], targetSize: number, scale: number, augmentation: TrainConfig['augmentation'] | null): BatchSource {
  const [h, w, c] = shape
  const pixels = h * w * c
  const size = bytes.length / pixels
  return {
    size,
    async *batches(batchSize, shuffleSeed): AsyncIterable<Batch> {
      const order = shuffleSeed === null ? null : shuffledIndices(size, shuffleSeed)
      const random = seededRandom((shuffleSeed ?? 0) + 1)
      const plain = new Float32Array(pixels)
      for (let start = 0; start < size; start += batchSize) {
        const n = Math.min(batchSize, size - start)
        const x = new Float32Array(n * pixels)
        const by = new Float32Array(n * targetSize)
        for (let i = 0; i < n; i++) {
          const src = order ? order[start + i] : start + i
          const target = augmentation ? plain : x.subarray(i * pixels, (i + 1) * pixels)
          for (let p = 0; p < pixels; p++) target[p] = bytes[src * pixels + p] * scale
          if (augmentation) augmentImage(plain, x.subarray(i * pixels, (i + 1) * pixels), h, w, c, augmentation, random)
          by.set(y.subarray(src * targetSize, (src + 1) * targetSize), i * targetSize)
        }
        yield { x, y: by, n }
      }
    }
  }
}

/** How one column's cells are read: its missing spellings and decimal mark. */
interface ColumnReading {
  missing: string[]
  decimal: DecimalMark
}

/** Mean and standard deviation of some values (std 1 when they do not vary, or when not standardising). */
function meanStd(values: readonly number[], standardize: boolean): { mean: number; std: number; average: number } {
  const average = values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1)
  if (!standardize) return { mean: 0, std: 1, average }
  const std = Math.sqrt(values.reduce((a, b) => a + (b - average) ** 2, 0) / Math.max(values.length, 1)) || 1
  return { mean: average, std, average }
}

/** Fits one column's encoding on the training rows' cells (null where missing), as the schema's TSDoc says. */
function fitFeature(col: DatasetColumn, cells: Array<string | null>, standardize: boolean, reading: ColumnReading): FeatureEncoding {
  const base = { column: col.name, position: col.position, missing: reading.missing }
  const present = cells.filter((c): c is string => c !== null && !isMissingCell(c, reading.missing))
  if (col.type === 'numeric') {
    const values = present.map((c) => parseNumberCell(c, reading.decimal)).filter((v): v is number => v !== null)
    const { mean, std, average } = meanStd(values, standardize)
    return { ...base, type: 'number', mean, std, fill: average, decimal: reading.decimal }
  }
  if (col.type === 'date') {
    const order = dateOrderOf(present)
    const days = present.map((c) => parseDateCell(c, order)).filter((v): v is number => v !== null)
    const { mean, std, average } = meanStd(days, true)
    return { ...base, type: 'date', order, mean, std, fill: average }
  }
  if (col.type === 'boolean') {
    const yes = present.filter((c) => isTruthyCell(c)).length
    return { ...base, type: 'flag', truthy: [...TRUTHY_CELLS], falsy: [...FALSY_CELLS], fill: yes * 2 > present.length ? 1 : 0 }
  }
  const counts = new Map<string, number>()
  for (const cell of present) counts.set(cell, (counts.get(cell) ?? 0) + 1)
  const categories = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_CATEGORIES).map(([k]) => k)
  return { ...base, type: 'onehot', categories }
}

/** One input as a person gives it in the try-it panel or the CLI: an image file's bytes, a table row, or a text. */
export type RawExample = { image: Buffer } | { row: Array<string | null> } | { text: string }

async function imageBytes(bytes: Buffer, p: ImagePreprocessing, out: Uint8Array, offset: number): Promise<void> {
  toChannels(await decodeImageRgb(bytes, p.width, p.height, 'fill'), p.height * p.width, p.channels, out, offset)
}

/** Turns raw examples into model inputs exactly as training did: [n, ...exampleShape] floats. */
export async function encodeExamples(p: Preprocessing, examples: RawExample[]): Promise<Float32Array> {
  const size = exampleSize(p)
  const x = new Float32Array(examples.length * size)
  const index = p.kind === 'text' ? vocabularyIndex(p.vocabulary) : null
  for (let i = 0; i < examples.length; i++) {
    const ex = examples[i]
    if (p.kind === 'images' && 'image' in ex) {
      const bytes = new Uint8Array(size)
      await imageBytes(ex.image, p, bytes, 0)
      for (let k = 0; k < size; k++) x[i * size + k] = bytes[k] * p.scale
    } else if (p.kind === 'table' && 'row' in ex) encodeRow(p.features, ex.row, x, i * size)
    else if (p.kind === 'text' && 'text' in ex) encodeText(ex.text, index!, p.sequenceLength, x, i * size)
    else throw new StrataError('DATA_MODEL_MISMATCH', { reason: `this model takes ${p.kind === 'images' ? 'an image' : p.kind === 'table' ? 'a table row' : 'a text'}` })
  }
  return x
}

/** One split encoded for a model: its batches, and its items in the same order. */
export interface EncodedSplit {
  source: BatchSource
  items: DatasetItem[]
}

/**
 * Encodes one split of a dataset with a preprocessing (fitted on the training split), in stored order:
 * the same path training, evaluation and export checks use. Augmentation applies only when given.
 */
export async function encodeSplit(
  db: Database.Database,
  root: string,
  datasetId: string,
  p: Preprocessing,
  split: SplitName,
  opts: { limit?: number; augmentation?: TrainConfig['augmentation'] | null } = {}
): Promise<EncodedSplit> {
  return encodeItems(root, p, items(db, datasetId, split, opts.limit), opts)
}

/** Encodes a list of items (any subset of a dataset, such as a cross-validation fold) in the given order. */
export async function encodeItems(root: string, p: Preprocessing, all: DatasetItem[], opts: { augmentation?: TrainConfig['augmentation'] | null } = {}): Promise<EncodedSplit> {
  // Items without a target the model can learn (the store keeps them in no split) never reach a batch.
  const list = all.filter((i) => hasTarget(p, i.label))
  const y = encodeTargets(p, list.map((i) => i.label))
  const width = targetWidth(p)
  if (p.kind === 'images') {
    const pixels = p.height * p.width * p.channels
    if (list.length * pixels > IMAGE_CACHE_BYTES) throw new StrataError('DATA_TOO_LARGE', { items: list.length, limit: Math.floor(IMAGE_CACHE_BYTES / pixels) })
    const bytes = new Uint8Array(list.length * pixels)
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < list.length) {
        const i = next++
        await imageBytes(await readBlob(root, list[i].hash!), p, bytes, i * pixels)
      }
    }
    await Promise.all(Array.from({ length: DECODE_CONCURRENCY }, worker))
    const augmentation = opts.augmentation && wantsAugmentation(opts.augmentation) ? opts.augmentation : null
    return { source: imageSource(bytes, y, [p.height, p.width, p.channels], width, p.scale, augmentation), items: list }
  }
  const size = exampleSize(p)
  const x = new Float32Array(list.length * size)
  if (p.kind === 'table') list.forEach((item, i) => encodeRow(p.features, item.row ?? [], x, i * size))
  else {
    const index = vocabularyIndex(p.vocabulary)
    list.forEach((item, i) => encodeText(item.text ?? '', index, p.sequenceLength, x, i * size))
  }
  return { source: inMemorySource(x, y, size, width), items: list }
}

/** What fitting a preprocessing is told beyond the data: what the model takes, and the run's settings. */
export interface FitChoices {
  /** The model's input shape: an image's [height, width, channels], a text's [sequence length]; chosen from the data when left out. */
  inputShape?: number[]
  /** Images: the model rescales pixels itself (its first layer is Rescaling), so they stay 0…255. */
  rescales?: boolean
  /** Texts: the vocabulary's size including the padding and unknown ids (the Embedding's input size). */
  vocabularySize?: number
  /** The task the model's head declares: used when the target accepts it, refused when it does not. */
  declaredTask?: TaskKind
  standardize?: boolean
}

/** The choices a model spec makes for fitting: its Input shape, Rescaling, Embedding size and task. */
export function fitChoicesOf(spec: ModelSpec, standardize = true): FitChoices {
  const embedding = spec.nodes.find((n) => n.type === 'Embedding')
  return {
    inputShape: inputShapeOf(spec),
    rescales: firstLayerIsRescaling(spec),
    vocabularySize: typeof embedding?.params.inputDim === 'number' ? embedding.params.inputDim : undefined,
    declaredTask: spec.task?.kind,
    standardize
  }
}

/** The task decision for a dataset, or the refusal that says why no model can learn its target. */
export function decidedTask(summary: DatasetSummary): TaskDecision {
  const decision = datasetTask(summary)
  if (isTaskDecision(decision)) return decision
  if (decision.reason === 'noTarget') throw new StrataError('TARGET_NOT_CHOSEN')
  if (decision.reason === 'targetType') throw new StrataError('TARGET_TYPE_UNUSABLE', { target: summary.target ?? '', type: decision.type })
  const target = summary.columns.find((c) => c.name === summary.target)
  throw new StrataError('TARGET_ONE_VALUE', { column: summary.target ?? summary.name, value: summary.classes[0]?.label ?? target?.stats.top[0]?.value ?? '', count: summary.itemCount })
}

/** The task a model trains with on a dataset; a head the target cannot train is refused with the fix (MODEL_TASK_MISMATCH). */
export function trainingTask(summary: DatasetSummary, declared: TaskKind | undefined): TaskKind {
  const decision = decidedTask(summary)
  if (declared && !decision.accepts.includes(declared)) {
    throw new StrataError('MODEL_TASK_MISMATCH', { head: declared, task: decision.task, target: summary.target ?? '', classes: decision.classes ?? 0 })
  }
  return taskFor(decision, declared)
}

/** Fits the preprocessing of a run on the training split only: image size and scale, column encodings, vocabulary, classes. */
export function fitPreprocessing(db: Database.Database, datasetId: string, spec: ModelSpec, config: TrainConfig): Preprocessing {
  return fitPreprocessingOn(db, datasetId, items(db, datasetId, 'train', config.maxTrainItems), fitChoicesOf(spec, config.standardize))
}

/**
 * Fits a preprocessing on the given training items only (the training split, or the training folds of a
 * cross-validation). The task comes from the one task decision; the classes are the dataset's (every label any
 * split has, so an output never lacks a class), the statistics the training items'.
 */
export function fitPreprocessingOn(db: Database.Database, datasetId: string, train: DatasetItem[], choices: FitChoices = {}): Preprocessing {
  const summary = getDataset(db, datasetId)
  const task = trainingTask(summary, choices.declaredTask)
  if (!train.length) throw new StrataError('DATA_MODEL_MISMATCH', { reason: 'the training split is empty: import more data or change the split on the Data screen' })
  const classes = task === 'regression' ? null : orderedClasses(summary.classes.map((c) => c.label))
  if (summary.kind === 'images') {
    const shape = choices.inputShape ?? imageInputShape(imageSizes(db, datasetId))
    if (shape.length !== 3 || (shape[2] !== 1 && shape[2] !== 3)) {
      throw new StrataError('DATA_MODEL_MISMATCH', { reason: `an image dataset needs a model whose Input is height×width×1 or ×3, not ${shape.join('×')}` })
    }
    const [height, width, channels] = shape as [number, number, 1 | 3]
    return { format: PREPROCESSING_FORMAT, kind: 'images', height, width, channels, scale: choices.rescales ? 1 : 1 / 255, classes: classes ?? [], task }
  }
  if (summary.kind === 'text') {
    const counts = new Map<string, number>()
    const wordCounts: number[] = []
    for (const item of train) {
      const words = tokenize(item.text ?? '')
      wordCounts.push(words.length)
      for (const t of words) counts.set(t, (counts.get(t) ?? 0) + 1)
    }
    const sequenceLength = choices.inputShape?.[0] ?? chooseSequenceLength(wordCounts).length
    const vocabSize = choices.vocabularySize ?? 10_000
    const vocabulary = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, Math.max(vocabSize - 2, 0)).map(([w]) => w)
    return {
      format: PREPROCESSING_FORMAT,
      kind: 'text',
      sequenceLength,
      vocabulary,
      classes: classes ?? [],
      task,
      lowercase: true,
      tokenizer: 'strata-words/1',
      cutTexts: countLonger(wordCounts, sequenceLength),
      trainTexts: train.length
    }
  }
  const standardize = choices.standardize ?? true
  const cells = datasetCells(readSettings(db, datasetId))
  const readingOf = (position: number): ColumnReading => ({ missing: [...cells.missing(position).tokens], decimal: cells.decimal })
  const used = featureColumns(db, datasetId)
  const features = used.map((col) => fitFeature(col, train.map((i) => i.row?.[col.position] ?? null), standardize, readingOf(col.position)))
  const targets = task === 'regression' ? train.map((i) => parseNumberCell(i.label, cells.decimal)).filter((v): v is number => v !== null) : []
  const { mean: targetMean, std: targetStd } = meanStd(targets, task === 'regression' && standardize)
  const usedNames = new Set(used.map((c) => c.name))
  return {
    format: PREPROCESSING_FORMAT,
    kind: 'table',
    features,
    classes,
    target: summary.target as string,
    targetMean,
    targetStd,
    targetDecimal: cells.decimal,
    ignoredColumns: summary.columns.filter((c) => !usedNames.has(c.name) && c.name !== summary.target).map((c) => c.name),
    task
  }
}

/** How many images of each size and channel count a dataset holds. */
function imageSizes(db: Database.Database, datasetId: string): Array<{ width: number; height: number; channels: number; count: number }> {
  return db
    .prepare(
      `SELECT json_extract(meta, '$.width') AS width, json_extract(meta, '$.height') AS height, IFNULL(json_extract(meta, '$.channels'), 3) AS channels, COUNT(*) AS count
       FROM items WHERE dataset_id = ? AND json_extract(meta, '$.width') IS NOT NULL GROUP BY width, height, channels`
    )
    .all(datasetId) as Array<{ width: number; height: number; channels: number; count: number }>
}

/** Opens a project's database read-only for the engine (training never writes the store). */
export function openProjectReadOnly(projectRoot: string): Database.Database {
  const dbFile = path.join(projectRoot, PROJECT_DB_FILE)
  if (!fs.existsSync(dbFile)) throw new StrataError('PROJECT_NOT_FOUND', { path: projectRoot })
  return new Database(dbFile, { readonly: true, fileMustExist: true })
}

/** Items of one split in stored order (at most `limit`). */
export function splitItems(db: Database.Database, datasetId: string, split: SplitName, limit?: number): DatasetItem[] {
  return items(db, datasetId, split, limit)
}

/**
 * Reads a dataset from a project (read-only) and turns its training and validation splits into batch sources for
 * a model spec, with every preprocessing statistic computed on the training split only.
 */
export async function prepareTrainingData(projectRoot: string, datasetId: string, spec: ModelSpec, config: TrainConfig): Promise<{ data: TrainingData; preprocessing: Preprocessing }> {
  const db = openProjectReadOnly(projectRoot)
  try {
    const preprocessing = fitPreprocessing(db, datasetId, spec, config)
    const train = await encodeSplit(db, projectRoot, datasetId, preprocessing, 'train', { limit: config.maxTrainItems, augmentation: config.augmentation })
    const validation = await encodeSplit(db, projectRoot, datasetId, preprocessing, 'validation')
    const data: TrainingData = {
      task: preprocessing.task,
      inputShape: exampleShape(preprocessing),
      targetSize: targetWidth(preprocessing),
      train: train.source,
      validation: validation.items.length ? validation.source : null,
      classCounts: preprocessing.task === 'regression' ? undefined : classCounts(train.items.map((i) => i.label), preprocessing.classes ?? [])
    }
    return { data, preprocessing }
  } finally {
    db.close()
  }
}
