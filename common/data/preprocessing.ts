import { z } from 'zod'
import { TASK_KINDS } from '../model/task'
import { FALSY_CELLS, LEGACY_MISSING_TOKENS } from './cells'

/**
 * The one data contract: how a run turns a user's raw inputs (a table row, an image, a text) into model inputs and
 * its outputs back into answers. Fitted on the training split, stored with the run, sent between processes and
 * written into every export; everything that encodes user data reads this schema and the encoders beside it
 * (`encode.ts`, `cells.ts`, `tokenizer.ts`). Fields added after format 2 have defaults that reproduce what runs
 * stored before them did, so {@link readPreprocessing} reads every stored run.
 */
export const PREPROCESSING_FORMAT = 'strata.preprocessing/3'

/** Every format this build reads: older ones are upgraded by {@link readPreprocessing}. */
const FORMATS = ['strata.preprocessing/2', PREPROCESSING_FORMAT] as const

/** What the model predicts: one of several classes, a yes/no answer (the second class), or a number. */
export const Task = z.enum(TASK_KINDS)
export type Task = z.infer<typeof Task>

/**
 * The cell spellings a column reads as missing, trimmed and lower-cased (see `isMissingCell`): a cell that is null
 * or, trimmed and lower-cased, one of these is missing. Runs before format 3 read the legacy list.
 */
const Missing = z.array(z.string()).default([...LEGACY_MISSING_TOKENS])

const Column = {
  /** The column's name in the table (and the ONNX input's name). */
  column: z.string(),
  /** Where the column's cell is in a row (0-based), as the table was imported. */
  position: z.number().int().min(0),
  missing: Missing
}

/**
 * A number column, one input: the cell read by `parseNumberCell(cell, decimal)`; a missing cell becomes `fill`;
 * then `(value - mean) / std`. A cell that is neither missing nor a number is refused by predict (`checkRow`).
 */
export const NumberFeature = z.object({
  ...Column,
  type: z.literal('number'),
  mean: z.number(),
  std: z.number().positive(),
  /** The raw value a missing cell takes (before standardising): the training split's mean. */
  fill: z.number().optional(),
  /** The decimal mark the column is written with: `.` (thousands commas allowed) or `,` (thousands points allowed). */
  decimal: z.enum(['.', ',']).default('.')
})

/**
 * A date column, three inputs: the cell read by `parseDateCell(cell, order)` as days since 1970-01-01 UTC; then
 * `(days - mean) / std`, and the date's place in the year as `seasonOf(days)` = [sin, cos]. A missing cell gives
 * `(fill - mean) / std` and [0, 0].
 */
export const DateFeature = z.object({
  ...Column,
  type: z.literal('date'),
  /** How dates written with the year last are read (`dmy` 31/12/2024, `mdy` 12/31/2024); year-first dates always read. */
  order: z.enum(['ymd', 'dmy', 'mdy']),
  mean: z.number(),
  std: z.number().positive(),
  /** Days of a missing cell: the training split's mean. */
  fill: z.number()
})

/**
 * A yes/no column, one input: 1 when the trimmed, lower-cased cell is one of `truthy`, 0 when it is one of `falsy`;
 * a missing cell becomes `fill`. Predict refuses any other text; training (format 2 runs) read it as 0.
 */
export const FlagFeature = z.object({
  ...Column,
  type: z.literal('flag'),
  truthy: z.array(z.string()),
  falsy: z.array(z.string()).default([...FALSY_CELLS]),
  /** The value of a missing cell: the training split's more common answer (format 2 runs: 0). */
  fill: z.union([z.literal(0), z.literal(1)]).default(0)
})

/**
 * A category column, one input per category: 1 for the cell's category (compared exactly as stored, untrimmed),
 * 0 for the others. A missing cell, or a category not in `categories` (the most frequent of training), gives all 0.
 */
export const OneHotFeature = z.object({ ...Column, type: z.literal('onehot'), categories: z.array(z.string()) })

/** How one table column becomes model inputs. */
export const FeatureEncoding = z.discriminatedUnion('type', [NumberFeature, DateFeature, FlagFeature, OneHotFeature])
export type FeatureEncoding = z.infer<typeof FeatureEncoding>
export type NumberFeature = z.infer<typeof NumberFeature>
export type DateFeature = z.infer<typeof DateFeature>

const Classes = z.array(z.string())
const Format = z.enum(FORMATS).optional()

/** Images: decoded as RGB, resized to height × width (stretched), grey when `channels` is 1, pixels × `scale`. */
export const ImagePreprocessing = z.object({
  format: Format,
  kind: z.literal('images'),
  height: z.number().int().positive(),
  width: z.number().int().positive(),
  channels: z.union([z.literal(1), z.literal(3)]),
  scale: z.number(),
  classes: Classes,
  task: Task
})

/**
 * A table: each feature column encoded in order into one row of inputs; the target as classes or as a number.
 * Training, validation, test and evaluation only use rows whose target is present (a class label, or for
 * regression a cell that `parseNumberCell(cell, targetDecimal)` reads as a number): rows without one are left out.
 */
export const TablePreprocessing = z.object({
  format: Format,
  kind: z.literal('table'),
  features: z.array(FeatureEncoding),
  /** Class names for classification and binary tasks; null for regression. */
  classes: Classes.nullable(),
  target: z.string(),
  /** A regression target is `(value - targetMean) / targetStd` while training; a prediction is read back as `output · targetStd + targetMean`. */
  targetMean: z.number(),
  targetStd: z.number().positive(),
  /** The decimal mark a regression target is written with. */
  targetDecimal: z.enum(['.', ',']).default('.'),
  /** The table's other columns (the target, IDs, excluded ones): a row may carry them; predict ignores them. */
  ignoredColumns: z.array(z.string()).default([]),
  task: Task
})

/**
 * Texts: split into words by `tokenize` (tokenizer `strata-words/1`), each word's id (vocabulary position + 2;
 * 1 unknown, 0 padding), cut after `sequenceLength` words or padded with 0 to it.
 */
export const TextPreprocessing = z.object({
  format: Format,
  kind: z.literal('text'),
  sequenceLength: z.number().int().positive(),
  vocabulary: z.array(z.string()),
  classes: Classes,
  task: Task,
  lowercase: z.literal(true),
  /** The tokenizer's name: `strata-words/1` is `tokenize` in tokenizer.ts. */
  tokenizer: z.literal('strata-words/1').default('strata-words/1'),
  /** Of the training texts, how many have more words than `sequenceLength` (their ends are cut); null when not counted. */
  cutTexts: z.number().int().min(0).nullable().default(null),
  /** How many training texts there were. */
  trainTexts: z.number().int().min(0).nullable().default(null)
})

/** Everything needed to turn raw inputs into model inputs exactly as training did; saved with the run. */
export const PreprocessingSchema = z.discriminatedUnion('kind', [ImagePreprocessing, TablePreprocessing, TextPreprocessing])
export type Preprocessing = z.infer<typeof PreprocessingSchema>
export type ImagePreprocessing = z.infer<typeof ImagePreprocessing>
export type TablePreprocessing = z.infer<typeof TablePreprocessing>
export type TextPreprocessing = z.infer<typeof TextPreprocessing>

/**
 * Reads a stored or received preprocessing: checks it against the schema, fills what older formats did not store
 * with what those runs did (the legacy missing tokens, `fill` = the mean, flags' missing = 0), and stamps the
 * current format. Throws a zod error on anything else.
 */
export function readPreprocessing(value: unknown): Preprocessing {
  const p = PreprocessingSchema.parse(value)
  if (p.kind === 'table') {
    for (const f of p.features) if (f.type === 'number' && f.fill === undefined) f.fill = f.mean
  }
  return { ...p, format: PREPROCESSING_FORMAT }
}
