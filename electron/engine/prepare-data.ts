import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { TrainConfig } from '../../common/contract'
import type { DatasetColumn, DatasetItem, SplitName } from '../../common/contract/dataset'
import { StrataError } from '../../common/errors'
import type { ModelSpec, TaskKind } from '../../common/model/spec'
import { readBlob } from '../store/blobs'
import { featureColumns, getDataset, iterateItems } from '../store/datasets'
import { decodeImageRgb } from '../store/image-decode'
import { PROJECT_DB_FILE } from '../store/project-db'
import { augmentImage, wantsAugmentation } from './augment'
import { inMemorySource, type Batch, type BatchSource, type Task, type TrainingData } from './data-source'
import { seededRandom, shuffledIndices } from './random'

/** Everything needed to turn raw inputs into model inputs exactly as training did; saved with the run. */
export type Preprocessing =
  | { kind: 'images'; height: number; width: number; channels: number; scale: number; classes: string[]; task: Task }
  | { kind: 'table'; features: FeatureEncoding[]; classes: string[] | null; target: string; targetMean: number; targetStd: number; task: Task }
  | { kind: 'text'; sequenceLength: number; vocabulary: string[]; classes: string[]; task: Task; lowercase: true }

/** How one table column becomes model inputs: standardised numbers, 0/1 flags, or one-hot categories. */
export type FeatureEncoding =
  | { column: string; position: number; type: 'number'; mean: number; std: number }
  | { column: string; position: number; type: 'flag'; truthy: string[] }
  | { column: string; position: number; type: 'onehot'; categories: string[] }

/** Largest number of decoded image bytes kept in memory; larger image sets are decoded batch by batch. */
export const IMAGE_CACHE_BYTES = 768 * 1024 * 1024
const MAX_CATEGORIES = 50
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

function classCounts(labels: Array<string | null>, classes: string[]): number[] {
  const counts = classes.map(() => 0)
  for (const l of labels) {
    const k = classes.indexOf(l ?? '')
    if (k >= 0) counts[k]++
  }
  return counts
}

/** Decodes dataset images to [h, w, c] bytes with sharp, a few at a time. */
async function decodeImages(root: string, list: DatasetItem[], h: number, w: number, c: number, out: Uint8Array, signal?: AbortSignal): Promise<void> {
  const pixels = h * w * c
  const CONCURRENCY = 4
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < list.length) {
      if (signal?.aborted) return
      const i = next++
      const rgb = await decodeImageRgb(await readBlob(root, list[i].hash!), w, h, 'fill')
      const offset = i * pixels
      if (c === 3) out.set(rgb, offset)
      else for (let p = 0; p < h * w; p++) out[offset + p] = Math.round(0.299 * rgb[p * 3] + 0.587 * rgb[p * 3 + 1] + 0.114 * rgb[p * 3 + 2])
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
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

async function prepareImages(db: Database.Database, root: string, datasetId: string, spec: ModelSpec, config: TrainConfig): Promise<{ data: TrainingData; preprocessing: Preprocessing }> {
  const shape = inputShapeOf(spec)
  if (shape.length !== 3 || (shape[2] !== 1 && shape[2] !== 3)) {
    throw new StrataError('DATA_MODEL_MISMATCH', { reason: `an image dataset needs a model whose Input is height×width×1 or ×3, not ${shape.join('×')}` })
  }
  const [h, w, c] = shape
  const train = items(db, datasetId, 'train', config.maxTrainItems)
  const validation = items(db, datasetId, 'validation')
  const classes = orderedClasses([...train, ...validation].map((i) => i.label ?? ''))
  const task = taskFor(spec, classes.length)
  const scale = firstLayerIsRescaling(spec) ? 1 : 1 / 255
  const targetSize = task === 'classification' ? classes.length : 1
  const bytesNeeded = (train.length + validation.length) * h * w * c
  if (bytesNeeded > IMAGE_CACHE_BYTES) {
    throw new StrataError('DATA_TOO_LARGE', { items: train.length + validation.length, limit: Math.floor(IMAGE_CACHE_BYTES / (h * w * c)) })
  }
  const decode = async (list: DatasetItem[]): Promise<Uint8Array> => {
    const out = new Uint8Array(list.length * h * w * c)
    await decodeImages(root, list, h, w, c, out)
    return out
  }
  const trainLabels = train.map((i) => i.label)
  const data: TrainingData = {
    task,
    inputShape: shape,
    targetSize,
    train: imageSource(await decode(train), encodeTargets(trainLabels, classes, task), [h, w, c], targetSize, scale, wantsAugmentation(config.augmentation) ? config.augmentation : null),
    validation: validation.length ? imageSource(await decode(validation), encodeTargets(validation.map((i) => i.label), classes, task), [h, w, c], targetSize, scale, null) : null,
    classCounts: classCounts(trainLabels, classes)
  }
  return { data, preprocessing: { kind: 'images', height: h, width: w, channels: c, scale, classes, task } }
}

function parseNumber(cell: string | null): number | null {
  if (cell === null || cell.trim() === '') return null
  const v = Number(cell.replace(/,/g, ''))
  if (Number.isFinite(v)) return v
  const t = Date.parse(cell)
  return Number.isFinite(t) ? t / 86_400_000 : null
}

function fitFeature(col: DatasetColumn, cells: Array<string | null>): FeatureEncoding {
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

function prepareTable(db: Database.Database, datasetId: string, spec: ModelSpec, config: TrainConfig): { data: TrainingData; preprocessing: Preprocessing } {
  const summary = getDataset(db, datasetId)
  if (!summary.target) throw new StrataError('DATA_MODEL_MISMATCH', { reason: 'the table has no target column: choose the column to predict on the Data screen' })
  const targetCol = summary.columns.find((c) => c.name === summary.target)!
  const train = items(db, datasetId, 'train', config.maxTrainItems)
  const validation = items(db, datasetId, 'validation')
  const cols = featureColumns(db, datasetId)
  const features = cols.map((col) => fitFeature(col, train.map((i) => i.row?.[col.position] ?? null)))
  const width = features.reduce((a, f) => a + featureWidth(f), 0)
  const numericTarget = targetCol.type === 'numeric'
  const declared = spec.task?.kind
  const regression = declared ? declared === 'regression' : numericTarget && new Set(train.map((i) => i.label)).size > 20
  const classes = regression ? null : orderedClasses(train.map((i) => i.label ?? ''))
  const task = taskFor(spec, classes ? classes.length : null)
  const targets = train.map((i) => parseNumber(i.label) ?? 0)
  const targetMean = regression ? targets.reduce((a, b) => a + b, 0) / Math.max(targets.length, 1) : 0
  const targetStd = regression ? Math.sqrt(targets.reduce((a, b) => a + (b - targetMean) ** 2, 0) / Math.max(targets.length, 1)) || 1 : 1
  const encode = (list: DatasetItem[]) => {
    const x = new Float32Array(list.length * width)
    list.forEach((item, i) => encodeRow(features, item.row ?? [], x, i * width))
    const y = classes ? encodeTargets(list.map((i) => i.label), classes, task) : Float32Array.from(list.map((i) => ((parseNumber(i.label) ?? 0) - targetMean) / targetStd))
    return inMemorySource(x, y, width, classes && task === 'classification' ? classes.length : 1)
  }
  const data: TrainingData = {
    task,
    inputShape: [width],
    targetSize: classes && task === 'classification' ? classes.length : 1,
    train: encode(train),
    validation: validation.length ? encode(validation) : null,
    classCounts: classes ? classCounts(train.map((i) => i.label), classes) : undefined
  }
  return { data, preprocessing: { kind: 'table', features, classes, target: summary.target, targetMean, targetStd, task } }
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

function prepareText(db: Database.Database, datasetId: string, spec: ModelSpec, config: TrainConfig): { data: TrainingData; preprocessing: Preprocessing } {
  const shape = inputShapeOf(spec)
  const length = shape[0]
  const embedding = spec.nodes.find((n) => n.type === 'Embedding')
  const vocabSize = typeof embedding?.params.inputDim === 'number' ? embedding.params.inputDim : 10_000
  const train = items(db, datasetId, 'train', config.maxTrainItems)
  const validation = items(db, datasetId, 'validation')
  const counts = new Map<string, number>()
  for (const item of train) for (const t of tokenize(item.text ?? '')) counts.set(t, (counts.get(t) ?? 0) + 1)
  const vocabulary = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, Math.max(vocabSize - 2, 0)).map(([w]) => w)
  const index = new Map(vocabulary.map((w, i) => [w, i + 2]))
  const classes = orderedClasses(train.map((i) => i.label ?? ''))
  const task = taskFor(spec, classes.length)
  const targetSize = task === 'classification' ? classes.length : 1
  const encode = (list: DatasetItem[]) => {
    const x = new Float32Array(list.length * length)
    list.forEach((item, i) => encodeText(item.text ?? '', index, length, x, i * length))
    return inMemorySource(x, encodeTargets(list.map((i) => i.label), classes, task), length, targetSize)
  }
  const data: TrainingData = {
    task,
    inputShape: [length],
    targetSize,
    train: encode(train),
    validation: validation.length ? encode(validation) : null,
    classCounts: classCounts(train.map((i) => i.label), classes)
  }
  return { data, preprocessing: { kind: 'text', sequenceLength: length, vocabulary, classes, task, lowercase: true } }
}

/**
 * Reads a dataset from a project (read-only) and turns its training and validation splits into batch sources for
 * a model spec, with every preprocessing statistic computed on the training split only.
 */
export async function prepareTrainingData(projectRoot: string, datasetId: string, spec: ModelSpec, config: TrainConfig): Promise<{ data: TrainingData; preprocessing: Preprocessing }> {
  const dbFile = path.join(projectRoot, PROJECT_DB_FILE)
  if (!fs.existsSync(dbFile)) throw new StrataError('PROJECT_NOT_FOUND', { path: projectRoot })
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  try {
    const kind = getDataset(db, datasetId).kind
    if (kind === 'images') return await prepareImages(db, projectRoot, datasetId, spec, config)
    if (kind === 'table') return prepareTable(db, datasetId, spec, config)
    return prepareText(db, datasetId, spec, config)
  } finally {
    db.close()
  }
}
