import type { Prediction } from '../contract/evaluation'
import { isTruthyCell, parseNumberCell } from './cells'
import type { FeatureEncoding, Preprocessing, Task } from './preprocessing'

/** Width of one encoded feature. */
export function featureWidth(f: FeatureEncoding): number {
  return f.type === 'onehot' ? f.categories.length : 1
}

/** Encodes one table row (cells as strings, null when missing) into model inputs; missing numbers become the mean. */
export function encodeRow(features: readonly FeatureEncoding[], row: ReadonlyArray<string | null>, out: Float32Array, offset = 0): void {
  let o = offset
  for (const f of features) {
    const cell = row[f.position] ?? null
    if (f.type === 'number') {
      const v = parseNumberCell(cell)
      out[o++] = v === null ? 0 : (v - f.mean) / f.std
    } else if (f.type === 'flag') {
      out[o++] = isTruthyCell(cell, f.truthy) ? 1 : 0
    } else {
      const k = cell === null ? -1 : f.categories.indexOf(cell)
      for (let i = 0; i < f.categories.length; i++) out[o + i] = i === k ? 1 : 0
      o += f.categories.length
    }
  }
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

/** Targets of labels under a preprocessing: one-hot classes, 0/1, or standardised values. */
export function encodeTargets(p: Preprocessing, labels: ReadonlyArray<string | null>): Float32Array {
  if (p.task === 'regression') {
    const { mean, std } = p.kind === 'table' ? { mean: p.targetMean, std: p.targetStd } : { mean: 0, std: 1 }
    return Float32Array.from(labels.map((l) => ((parseNumberCell(l) ?? 0) - mean) / std))
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
