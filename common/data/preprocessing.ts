import { z } from 'zod'
import { TASK_KINDS } from '../model/task'

/**
 * The one data contract: how a run turns a user's raw inputs (a table row, an image, a text) into model inputs and
 * its outputs back into answers. Fitted on the training split, stored with the run, sent between processes and
 * written into every export; everything that encodes user data reads this schema and the encoders beside it
 * (`encode.ts`, `cells.ts`, `tokenizer.ts`).
 */
export const PREPROCESSING_FORMAT = 'strata.preprocessing/2'

/** What the model predicts: one of several classes, a yes/no answer (the second class), or a number. */
export const Task = z.enum(TASK_KINDS)
export type Task = z.infer<typeof Task>

const Column = { column: z.string(), position: z.number().int().min(0) }

/** A number column: a missing cell becomes `fill` (the training mean), then the value is standardised. */
export const NumberFeature = z.object({
  ...Column,
  type: z.literal('number'),
  mean: z.number(),
  std: z.number().positive(),
  /** The raw value a missing cell takes (before standardising); the training split's mean. */
  fill: z.number().optional()
})

/** A yes/no column: 1 when the trimmed, lower-cased cell is one of `truthy`, else 0. */
export const FlagFeature = z.object({ ...Column, type: z.literal('flag'), truthy: z.array(z.string()) })

/** A category column: one-hot over `categories` (the most frequent in training); unknown or missing: all 0. */
export const OneHotFeature = z.object({ ...Column, type: z.literal('onehot'), categories: z.array(z.string()) })

/** How one table column becomes model inputs. */
export const FeatureEncoding = z.discriminatedUnion('type', [NumberFeature, FlagFeature, OneHotFeature])
export type FeatureEncoding = z.infer<typeof FeatureEncoding>

const Classes = z.array(z.string())

/** Images: decoded as RGB, resized to height × width (stretched), grey when `channels` is 1, pixels × `scale`. */
export const ImagePreprocessing = z.object({
  format: z.literal(PREPROCESSING_FORMAT).optional(),
  kind: z.literal('images'),
  height: z.number().int().positive(),
  width: z.number().int().positive(),
  channels: z.union([z.literal(1), z.literal(3)]),
  scale: z.number(),
  classes: Classes,
  task: Task
})

/** A table: each feature column encoded in order; the target as classes or as a standardised number. */
export const TablePreprocessing = z.object({
  format: z.literal(PREPROCESSING_FORMAT).optional(),
  kind: z.literal('table'),
  features: z.array(FeatureEncoding),
  /** Class names for classification and binary tasks; null for regression. */
  classes: Classes.nullable(),
  target: z.string(),
  targetMean: z.number(),
  targetStd: z.number().positive(),
  task: Task
})

/** Texts: split into words by the tokenizer, each word's id (vocabulary position + 2; 1 unknown, 0 padding), cut or padded. */
export const TextPreprocessing = z.object({
  format: z.literal(PREPROCESSING_FORMAT).optional(),
  kind: z.literal('text'),
  sequenceLength: z.number().int().positive(),
  vocabulary: z.array(z.string()),
  classes: Classes,
  task: Task,
  lowercase: z.literal(true)
})

/** Everything needed to turn raw inputs into model inputs exactly as training did; saved with the run. */
export const PreprocessingSchema = z.discriminatedUnion('kind', [ImagePreprocessing, TablePreprocessing, TextPreprocessing])
export type Preprocessing = z.infer<typeof PreprocessingSchema>
export type ImagePreprocessing = z.infer<typeof ImagePreprocessing>
export type TablePreprocessing = z.infer<typeof TablePreprocessing>
export type TextPreprocessing = z.infer<typeof TextPreprocessing>

/**
 * Reads a stored or received preprocessing, checked against the schema (runs saved before the format was named parse
 * as they are). Throws a zod error on anything else.
 */
export function readPreprocessing(value: unknown): Preprocessing {
  return PreprocessingSchema.parse(value)
}
