import type { Prediction } from '../contract/evaluation'
import { isMissingCell, isTruthyCell, parseDateCell, parseFlagCell, parseNumberCell, seasonOf } from './cells'
import type { FeatureEncoding, Preprocessing, TablePreprocessing, Task } from './preprocessing'

/** Width of one encoded feature: one per category, three for a date (days, and the season as sin and cos), else one. */
export function featureWidth(f: FeatureEncoding): number {
  return f.type === 'onehot' ? f.categories.length : f.type === 'date' ? 3 : 1
}

/** Encodes one table row (cells as strings, null when missing) into model inputs, as each feature's TSDoc says. */
export function encodeRow(features: readonly FeatureEncoding[], row: ReadonlyArray<string | null>, out: Float32Array, offset = 0): void {
  let o = offset
  for (const f of features) {
    const raw = row[f.position] ?? null
    const cell = isMissingCell(raw, f.missing) ? null : raw
    if (f.type === 'number') {
      const v = parseNumberCell(cell, f.decimal) ?? f.fill ?? f.mean
      out[o++] = (v - f.mean) / f.std
    } else if (f.type === 'date') {
      const days = parseDateCell(cell, f.order)
      out[o++] = ((days ?? f.fill) - f.mean) / f.std
      const [sin, cos] = days === null ? [0, 0] : seasonOf(days)
      out[o++] = sin
      out[o++] = cos
    } else if (f.type === 'flag') {
      out[o++] = cell === null ? f.fill : isTruthyCell(cell, f.truthy) ? 1 : 0
    } else {
      const k = cell === null ? -1 : f.categories.indexOf(cell)
      for (let i = 0; i < f.categories.length; i++) out[o + i] = i === k ? 1 : 0
      o += f.categories.length
    }
  }
}

/** What {@link checkRow} found in a row given by name: the row by position, and what is wrong or was filled in. */
export interface CheckedRow {
  /** Cells by the table's positions (null where missing), ready for {@link encodeRow}. */
  row: Array<string | null>
  /** Given names that are no column of the table. */
  unknown: string[]
  /** Cells that cannot be read as their column's type. */
  unreadable: Array<{ column: string; value: string; expected: 'number' | 'date' | 'flag' }>
  /** Feature columns not given or missing: filled as training filled them. */
  filled: string[]
  /** Categories training never saw (they encode as none of the known ones). */
  unseen: Array<{ column: string; value: string }>
}

/**
 * Checks a row given as `{column: value}` against a table preprocessing, as predict and every export's predictor
 * do before encoding: unknown names and unreadable values are listed (the caller refuses them), missing feature
 * columns are listed as filled, columns the table has but the model does not use are ignored.
 */
export function checkRow(p: TablePreprocessing, values: Readonly<Record<string, string | null | undefined>>): CheckedRow {
  const known = new Set([...p.features.map((f) => f.column), ...p.ignoredColumns, p.target])
  const width = Math.max(0, ...p.features.map((f) => f.position + 1))
  const out: CheckedRow = { row: new Array<string | null>(width).fill(null), unknown: [], unreadable: [], filled: [], unseen: [] }
  for (const name of Object.keys(values)) if (!known.has(name)) out.unknown.push(name)
  for (const f of p.features) {
    const raw = values[f.column] ?? null
    if (raw === null || isMissingCell(raw, f.missing)) {
      out.filled.push(f.column)
      continue
    }
    out.row[f.position] = raw
    const bad =
      (f.type === 'number' && parseNumberCell(raw, f.decimal) === null) ||
      (f.type === 'date' && parseDateCell(raw, f.order) === null) ||
      (f.type === 'flag' && parseFlagCell(raw, f.truthy, f.falsy) === null)
    if (bad) out.unreadable.push({ column: f.column, value: raw, expected: f.type as 'number' | 'date' | 'flag' })
    else if (f.type === 'onehot' && !f.categories.includes(raw)) out.unseen.push({ column: f.column, value: raw })
  }
  return out
}

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

/** Pixels [h·w·3] of an RGB image as the model's channels: kept, or grey as round(0.299 R + 0.587 G + 0.114 B). */
export function toChannels(rgb: Uint8Array, pixels: number, channels: 1 | 3, out: Uint8Array, offset = 0): void {
  if (channels === 3) out.set(rgb.subarray(0, pixels * 3), offset)
  else for (let i = 0; i < pixels; i++) out[offset + i] = Math.round(0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2])
}

/** Class names in a stable order: numeric-looking labels by value, others alphabetically. */
export function orderedClasses(labels: Iterable<string>): string[] {
  const set = [...new Set(labels)]
  return set.every((l) => l.trim() !== '' && Number.isFinite(Number(l))) ? set.sort((a, b) => Number(a) - Number(b)) : set.sort()
}

/** How many of the labels fall in each class (labels outside the classes are not counted). */
export function classCounts(labels: ReadonlyArray<string | null>, classes: readonly string[]): number[] {
  const counts = classes.map(() => 0)
  for (const l of labels) {
    const k = classes.indexOf(l ?? '')
    if (k >= 0) counts[k]++
  }
  return counts
}

/** Class labels as model targets: one-hot rows (classification) or 0/1 for the second class (binary). */
export function encodeClassTargets(labels: ReadonlyArray<string | null>, classes: readonly string[], task: Exclude<Task, 'regression'>): Float32Array {
  const size = task === 'classification' ? classes.length : 1
  const y = new Float32Array(labels.length * size)
  labels.forEach((label, i) => {
    const k = classes.indexOf(label ?? '')
    if (task === 'classification') y[i * size + Math.max(k, 0)] = 1
    else y[i] = k === 1 ? 1 : 0
  })
  return y
}

/**
 * Whether an item's label is a target the preprocessing can train on: a class it knows (classification, binary),
 * or a cell read as a number (regression). Rows without one take no part in training, validation or evaluation.
 */
export function hasTarget(p: Preprocessing, label: string | null): boolean {
  if (label === null) return false
  if (p.task === 'regression') return parseNumberCell(label, p.kind === 'table' ? p.targetDecimal : '.') !== null
  return (p.classes ?? []).includes(label)
}

/** Targets of labels under a preprocessing: one-hot classes, 0/1, or standardised values (labels must pass {@link hasTarget}). */
export function encodeTargets(p: Preprocessing, labels: ReadonlyArray<string | null>): Float32Array {
  if (p.task === 'regression') {
    const { mean, std, decimal } = p.kind === 'table' ? { mean: p.targetMean, std: p.targetStd, decimal: p.targetDecimal } : { mean: 0, std: 1, decimal: '.' as const }
    return Float32Array.from(labels.map((l) => ((parseNumberCell(l, decimal) ?? NaN) - mean) / std))
  }
  return encodeClassTargets(labels, p.classes ?? [], p.task)
}

/** Reads model outputs [n, targetWidth] back into class names with probabilities, or real-unit values. */
export function decodeOutputs(p: Preprocessing, output: ArrayLike<number>, n: number): Prediction[] {
  const width = targetWidth(p)
  const out: Prediction[] = []
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: width }, (_, k) => output[i * width + k])
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

/** Longest side of an image input fitted to a dataset: larger images are scaled down to it, keeping their shape. */
export const MAX_FITTED_IMAGE_SIDE = 128

/**
 * The input shape [height, width, channels] a model fitted to an image set takes: its most common image size
 * (scaled down to at most {@link MAX_FITTED_IMAGE_SIDE} on the longer side), grey (1 channel) when every image is, else RGB.
 */
export function imageInputShape(sizes: ReadonlyArray<{ width: number; height: number; channels: number; count: number }>): [number, number, 1 | 3] {
  const common = [...sizes].sort((a, b) => b.count - a.count)[0] ?? { width: 28, height: 28, channels: 1, count: 0 }
  const scale = Math.min(1, MAX_FITTED_IMAGE_SIDE / Math.max(common.width, common.height))
  const grey = sizes.every((s) => s.channels <= 2)
  return [Math.max(1, Math.round(common.height * scale)), Math.max(1, Math.round(common.width * scale)), grey ? 1 : 3]
}
