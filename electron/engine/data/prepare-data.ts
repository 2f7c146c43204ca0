import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { TrainConfig } from '../../../common/contract'
import type { FeatureEncoding, Preprocessing } from '../../../common/contract/preprocessing'
import type { DatasetColumn, DatasetItem, SplitName } from '../../../common/contract/dataset'
import { StrataError } from '../../../common/errors'
import type { ModelSpec, TaskKind } from '../../../common/model/spec'
import { readBlob } from '../../store/blobs'
import { featureColumns, getDataset, iterateItems } from '../../store/datasets'
import { decodeImageRgb } from '../../store/image-decode'
import { PROJECT_DB_FILE } from '../../store/project-db'
import { augmentImage, wantsAugmentation } from './augment'
import { inMemorySource, type Batch, type BatchSource, type Task, type TrainingData } from './data-source'
import { seededRandom, shuffledIndices } from '../../../common/random'


/** Largest number of decoded image bytes kept in memory; larger image sets are decoded batch by batch. */
export const IMAGE_CACHE_BYTES = 768 * 1024 * 1024
const MAX_CATEGORIES = 50
const DECODE_CONCURRENCY = 4
const TRUTHY = ['true', 'yes', 'y', '1', 't']

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

function items(db: Database.Database, datasetId: string, split: SplitName, limit?: number): DatasetItem[] {
  const out: DatasetItem[] = []
  for (const item of iterateItems(db, datasetId, { split })) {
    out.push(item)
    if (limit !== undefined && out.length >= limit) break
  }
  return out
}

/** Class names in a stable order: numeric-looking labels by value, others alphabetically. */
export function orderedClasses(labels: Iterable<string>): string[] {
  const set = [...new Set(labels)]
  return set.every((l) => l.trim() !== '' && Number.isFinite(Number(l))) ? set.sort((a, b) => Number(a) - Number(b)) : set.sort()
}

function taskFor(spec: ModelSpec, classes: number | null): Task {
  const declared: TaskKind | undefined = spec.task?.kind
  if (declared) return declared
  if (classes === null) return 'regression'
  return classes === 2 ? 'binary' : 'classification'
}

function encodeTargets(labels: Array<string | null>, classes: string[], task: Task): Float32Array {
  const size = task === 'classification' ? classes.length : 1
  const y = new Float32Array(labels.length * size)
  labels.forEach((label, i) => {
    const k = classes.indexOf(label ?? '')
    if (task === 'classification') y[i * size + Math.max(k, 0)] = 1
    else y[i] = k === 1 ? 1 : 0
  })
  return y
}

export function classCounts(labels: Array<string | null>, classes: string[]): number[] {
  const counts = classes.map(() => 0)
  for (const l of labels) {
    const k = classes.indexOf(l ?? '')
    if (k >= 0) counts[k]++
  }
  return counts
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

function parseNumber(cell: string | null): number | null {
  if (cell === null || cell.trim() === '') return null
  const v = Number(cell.replace(/,/g, ''))
  if (Number.isFinite(v)) return v
  const t = Date.parse(cell)
  return Number.isFinite(t) ? t / 86_400_000 : null
}

function fitFeature(col: DatasetColumn, cells: Array<string | null>, standardize: boolean): FeatureEncoding {
  if ((col.type === 'numeric' || col.type === 'date') && !standardize) return { column: col.name, position: col.position, type: 'number', mean: 0, std: 1 }
  if (col.type === 'numeric' || col.type === 'date') {
    const values = cells.map(parseNumber).filter((v): v is number => v !== null)
    const mean = values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1)
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(values.length, 1)) || 1
    return { column: col.name, position: col.position, type: 'number', mean, std }
  }
  if (col.type === 'boolean') return { column: col.name, position: col.position, type: 'flag', truthy: TRUTHY }
  const counts = new Map<string, number>()
  for (const cell of cells) if (cell !== null) counts.set(cell, (counts.get(cell) ?? 0) + 1)
  const categories = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_CATEGORIES).map(([k]) => k)
  return { column: col.name, position: col.position, type: 'onehot', categories }
}

/** Width of one encoded feature. */
export function featureWidth(f: FeatureEncoding): number {
  return f.type === 'onehot' ? f.categories.length : 1
}

/** Encodes one table row (cells as strings, null when missing) into model inputs; missing numbers become the mean. */
export function encodeRow(features: FeatureEncoding[], row: Array<string | null>, out: Float32Array, offset = 0): void {
  let o = offset
  for (const f of features) {
    const cell = row[f.position] ?? null
    if (f.type === 'number') {
      const v = parseNumber(cell)
      out[o++] = v === null ? 0 : (v - f.mean) / f.std
    } else if (f.type === 'flag') {
      out[o++] = cell !== null && f.truthy.includes(cell.trim().toLowerCase()) ? 1 : 0
    } else {
      const k = cell === null ? -1 : f.categories.indexOf(cell)
      for (let i = 0; i < f.categories.length; i++) out[o + i] = i === k ? 1 : 0
      o += f.categories.length
    }
  }
}

/** Splits text into lower-case words and numbers (letters of any script; CJK characters one by one). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}']+/gu) ?? []
}

/** Token ids of a text, padded or cut to `length`: 0 is padding, 1 an unknown word. */
export function encodeText(text: string, index: Map<string, number>, length: number, out: Float32Array, offset = 0): void {
  const tokens = tokenize(text)
  for (let i = 0; i < length; i++) out[offset + i] = i < tokens.length ? (index.get(tokens[i]) ?? 1) : 0
}

/** One input as a person gives it in the try-it panel or the CLI: an image file's bytes, a table row, or a text. */
export type RawExample = { image: Buffer } | { row: Array<string | null> } | { text: string }

/** The model-input size of one example under a preprocessing. */
export function exampleSize(p: Preprocessing): number {
  if (p.kind === 'images') return p.height * p.width * p.channels
  if (p.kind === 'table') return p.features.reduce((a, f) => a + featureWidth(f), 0)
  return p.sequenceLength
}

/** The input shape of one example under a preprocessing. */
export function exampleShape(p: Preprocessing): number[] {
  return p.kind === 'images' ? [p.height, p.width, p.channels] : [exampleSize(p)]
}

/** Width of a target vector: one per class for classification, else one. */
export function targetWidth(p: Preprocessing): number {
  return p.task === 'classification' && p.classes ? p.classes.length : 1
}

async function imageBytes(bytes: Buffer, p: Extract<Preprocessing, { kind: 'images' }>, out: Uint8Array, offset: number): Promise<void> {
  const rgb = await decodeImageRgb(bytes, p.width, p.height, 'fill')
  if (p.channels === 3) out.set(rgb, offset)
  else for (let i = 0; i < p.height * p.width; i++) out[offset + i] = Math.round(0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2])
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

/** What a model says about one example: class probabilities (classification, binary) or a value (regression). */
export type Prediction = { label: string; probabilities: Record<string, number> } | { value: number }

/** Reads model outputs [n, targetWidth] back into class names with probabilities, or real-unit values. */
export function decodeOutputs(p: Preprocessing, output: Float32Array | number[], n: number): Prediction[] {
  const width = targetWidth(p)
  const out: Prediction[] = []
  for (let i = 0; i < n; i++) {
    const row = Array.from(output.slice(i * width, (i + 1) * width))
    if (p.task === 'regression') {
      const scale = p.kind === 'table' ? { mean: p.targetMean, std: p.targetStd } : { mean: 0, std: 1 }
      out.push({ value: row[0] * scale.std + scale.mean })
      continue
    }
    const classes = p.classes ?? []
    const probs = p.task === 'binary' ? [1 - row[0], row[0]] : row
    const probabilities = Object.fromEntries(classes.map((c, k) => [c, probs[k] ?? 0]))
    const best = probs.indexOf(Math.max(...probs))
    out.push({ label: classes[best] ?? String(best), probabilities })
  }
  return out
}

function vocabularyIndex(vocabulary: string[]): Map<string, number> {
  return new Map(vocabulary.map((w, i) => [w, i + 2]))
}

/** Targets of items under a preprocessing: one-hot classes, 0/1, or standardised values. */
function encodeItemTargets(p: Preprocessing, list: DatasetItem[]): Float32Array {
  if (p.task === 'regression') {
    const { mean, std } = p.kind === 'table' ? { mean: p.targetMean, std: p.targetStd } : { mean: 0, std: 1 }
    return Float32Array.from(list.map((i) => ((parseNumber(i.label) ?? 0) - mean) / std))
  }
  return encodeTargets(list.map((i) => i.label), p.classes ?? [], p.task)
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
export async function encodeItems(root: string, p: Preprocessing, list: DatasetItem[], opts: { augmentation?: TrainConfig['augmentation'] | null } = {}): Promise<EncodedSplit> {
  const y = encodeItemTargets(p, list)
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

/** Fits the preprocessing of a run on the training split only: image size and scale, column encodings, vocabulary, classes. */
export function fitPreprocessing(db: Database.Database, datasetId: string, spec: ModelSpec, config: TrainConfig): Preprocessing {
  return fitPreprocessingOn(db, datasetId, spec, items(db, datasetId, 'train', config.maxTrainItems), config.standardize)
}

/** Fits a preprocessing on the given training items only (the training split, or the training folds of a cross-validation). */
export function fitPreprocessingOn(db: Database.Database, datasetId: string, spec: ModelSpec, train: DatasetItem[], standardize = true): Preprocessing {
  const summary = getDataset(db, datasetId)
  if (!train.length) throw new StrataError('DATA_MODEL_MISMATCH', { reason: 'the training split is empty: import more data or change the split on the Data screen' })
  if (summary.kind === 'images') {
    const shape = inputShapeOf(spec)
    if (shape.length !== 3 || (shape[2] !== 1 && shape[2] !== 3)) {
      throw new StrataError('DATA_MODEL_MISMATCH', { reason: `an image dataset needs a model whose Input is height×width×1 or ×3, not ${shape.join('×')}` })
    }
    const classes = orderedClasses(summary.classes.map((c) => c.label))
    const [height, width, channels] = shape
    return { kind: 'images', height, width, channels, scale: firstLayerIsRescaling(spec) ? 1 : 1 / 255, classes, task: taskFor(spec, classes.length) }
  }
  if (summary.kind === 'text') {
    const length = inputShapeOf(spec)[0]
    const embedding = spec.nodes.find((n) => n.type === 'Embedding')
    const vocabSize = typeof embedding?.params.inputDim === 'number' ? embedding.params.inputDim : 10_000
    const counts = new Map<string, number>()
    for (const item of train) for (const t of tokenize(item.text ?? '')) counts.set(t, (counts.get(t) ?? 0) + 1)
    const vocabulary = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, Math.max(vocabSize - 2, 0)).map(([w]) => w)
    const classes = orderedClasses(train.map((i) => i.label ?? ''))
    return { kind: 'text', sequenceLength: length, vocabulary, classes, task: taskFor(spec, classes.length), lowercase: true }
  }
  if (!summary.target) throw new StrataError('DATA_MODEL_MISMATCH', { reason: 'the table has no target column: choose the column to predict on the Data screen' })
  const targetCol = summary.columns.find((c) => c.name === summary.target)!
  const features = featureColumns(db, datasetId).map((col) => fitFeature(col, train.map((i) => i.row?.[col.position] ?? null), standardize))
  const declared = spec.task?.kind
  const regression = declared ? declared === 'regression' : targetCol.type === 'numeric' && new Set(train.map((i) => i.label)).size > 20
  const classes = regression ? null : orderedClasses(train.map((i) => i.label ?? ''))
  const targets = train.map((i) => parseNumber(i.label) ?? 0)
  const scaleTarget = regression && standardize
  const targetMean = scaleTarget ? targets.reduce((a, b) => a + b, 0) / targets.length : 0
  const targetStd = scaleTarget ? Math.sqrt(targets.reduce((a, b) => a + (b - targetMean) ** 2, 0) / targets.length) || 1 : 1
  return { kind: 'table', features, classes, target: summary.target, targetMean, targetStd, task: taskFor(spec, classes ? classes.length : null) }
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
