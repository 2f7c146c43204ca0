/** Pure evaluation math shared by the engine (which computes results) and the renderer (threshold slider). */

/** Precision, recall, F1 and how many true items one class has. */
export interface ClassScores {
  label: string
  precision: number
  recall: number
  f1: number
  support: number
}

/** Averages of precision, recall and F1 over classes. */
export interface AveragedScores {
  precision: number
  recall: number
  f1: number
}

/** Everything a classification evaluation reports except curves. */
export interface ClassificationReport {
  accuracy: number
  perClass: ClassScores[]
  macro: AveragedScores
  weighted: AveragedScores
  /** confusion[actual][predicted]: how many items of class `actual` the model called `predicted`. */
  confusion: number[][]
}

/** A curve as parallel arrays, one point per threshold, thresholds falling; the first threshold is above every score. */
export interface Curve {
  x: number[]
  y: number[]
  thresholds: number[]
}

/** Regression errors in the target's own units (R² has none). */
export interface RegressionReport {
  mae: number
  mse: number
  rmse: number
  r2: number
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b)

/** Counts of (actual, predicted) class index pairs; indices outside [0, classes) are ignored. */
export function confusionMatrix(actual: readonly number[], predicted: readonly number[], classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0))
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]
    const p = predicted[i]
    if (a >= 0 && a < classes && p >= 0 && p < classes) m[a][p]++
  }
  return m
}

/** Accuracy, per-class precision/recall/F1, macro and support-weighted averages, from a confusion matrix. */
export function classificationReport(confusion: number[][], labels: readonly string[]): ClassificationReport {
  const n = confusion.length
  const total = confusion.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0)
  const correct = confusion.reduce((s, row, i) => s + row[i], 0)
  const perClass: ClassScores[] = []
  for (let k = 0; k < n; k++) {
    const tp = confusion[k][k]
    const support = confusion[k].reduce((a, b) => a + b, 0)
    const predicted = confusion.reduce((s, row) => s + row[k], 0)
    const precision = ratio(tp, predicted)
    const recall = ratio(tp, support)
    perClass.push({ label: labels[k] ?? String(k), precision, recall, f1: ratio(2 * precision * recall, precision + recall), support })
  }
  const avg = (pick: (c: ClassScores) => number, weight: (c: ClassScores) => number): number => {
    const w = perClass.reduce((s, c) => s + weight(c), 0)
    return ratio(perClass.reduce((s, c) => s + pick(c) * weight(c), 0), w)
  }
  const averaged = (weight: (c: ClassScores) => number): AveragedScores => ({
    precision: avg((c) => c.precision, weight),
    recall: avg((c) => c.recall, weight),
    f1: avg((c) => c.f1, weight)
  })
  return { accuracy: ratio(correct, total), perClass, macro: averaged(() => 1), weighted: averaged((c) => c.support), confusion }
}

/** Sorts scores falling and walks them, yielding cumulative true and false positives at each distinct threshold. */
function sweep(scores: readonly number[], positive: readonly boolean[]): Array<{ threshold: number; tp: number; fp: number }> {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a])
  const out: Array<{ threshold: number; tp: number; fp: number }> = []
  let tp = 0
  let fp = 0
  for (let j = 0; j < order.length; j++) {
    const i = order[j]
    if (positive[i]) tp++
    else fp++
    if (j === order.length - 1 || scores[order[j + 1]] !== scores[i]) out.push({ threshold: scores[i], tp, fp })
  }
  return out
}

// A finite threshold no score reaches, so curves stay plain JSON (Infinity is not).
const aboveAll = (scores: readonly number[]): number => scores.reduce((m, v) => Math.max(m, v), 1) + 1

/** The ROC curve (x: false-positive rate, y: true-positive rate), starting at (0, 0). */
export function rocCurve(scores: readonly number[], positive: readonly boolean[]): Curve {
  const p = positive.filter(Boolean).length
  const n = positive.length - p
  const points = sweep(scores, positive)
  return {
    x: [0, ...points.map((s) => ratio(s.fp, n))],
    y: [0, ...points.map((s) => ratio(s.tp, p))],
    thresholds: [aboveAll(scores), ...points.map((s) => s.threshold)]
  }
}

/** The precision-recall curve (x: recall, y: precision), starting at recall 0 with precision 1. */
export function precisionRecallCurve(scores: readonly number[], positive: readonly boolean[]): Curve {
  const p = positive.filter(Boolean).length
  const points = sweep(scores, positive)
  return {
    x: [0, ...points.map((s) => ratio(s.tp, p))],
    y: [1, ...points.map((s) => ratio(s.tp, s.tp + s.fp))],
    thresholds: [aboveAll(scores), ...points.map((s) => s.threshold)]
  }
}

/** Area under a ROC curve by the trapezoid rule (x rising). */
export function trapezoidArea(x: readonly number[], y: readonly number[]): number {
  let area = 0
  for (let i = 1; i < x.length; i++) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2
  return area
}

/** Average precision: the area under the precision-recall curve as a step function (no optimistic interpolation). */
export function averagePrecision(curve: Curve): number {
  let area = 0
  for (let i = 1; i < curve.x.length; i++) area += (curve.x[i] - curve.x[i - 1]) * curve.y[i]
  return area
}

/** Counts of a binary classifier at one threshold: scores at or above it are called positive. */
export function binaryCountsAt(scores: readonly number[], positive: readonly boolean[], threshold: number): { tp: number; fp: number; tn: number; fn: number } {
  let tp = 0
  let fp = 0
  let tn = 0
  let fn = 0
  for (let i = 0; i < scores.length; i++) {
    const called = scores[i] >= threshold
    if (called && positive[i]) tp++
    else if (called) fp++
    else if (positive[i]) fn++
    else tn++
  }
  return { tp, fp, tn, fn }
}

/**
 * Counts at a threshold read off a ROC curve (for a slider without per-item scores): the curve point with the
 * smallest threshold still at or above `threshold`, scaled by the numbers of positives and negatives.
 */
export function countsFromRoc(roc: Curve, positives: number, negatives: number, threshold: number): { tp: number; fp: number; tn: number; fn: number } {
  let k = 0
  for (let i = 0; i < roc.thresholds.length; i++) if (roc.thresholds[i] >= threshold) k = i
  const tp = Math.round(roc.y[k] * positives)
  const fp = Math.round(roc.x[k] * negatives)
  return { tp, fp, tn: negatives - fp, fn: positives - tp }
}

/** MAE, MSE, RMSE and R² of predictions against true values (R² is 0 when the truth is constant). */
export function regressionReport(actual: readonly number[], predicted: readonly number[]): RegressionReport {
  const n = actual.length
  if (n === 0) return { mae: 0, mse: 0, rmse: 0, r2: 0 }
  let abs = 0
  let sq = 0
  for (let i = 0; i < n; i++) {
    const e = predicted[i] - actual[i]
    abs += Math.abs(e)
    sq += e * e
  }
  const mean = actual.reduce((a, b) => a + b, 0) / n
  const total = actual.reduce((s, a) => s + (a - mean) ** 2, 0)
  const mse = sq / n
  return { mae: abs / n, mse, rmse: Math.sqrt(mse), r2: total === 0 ? 0 : 1 - sq / total }
}

/** Mean and (population) standard deviation of some values. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  if (!values.length) return { mean: 0, std: 0 }
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  return { mean, std: Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length) }
}
