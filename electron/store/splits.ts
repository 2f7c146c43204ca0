import type { SplitCounts, SplitName, SplitRatios } from '../../common/contract/dataset'
import { seededRandom } from '../../common/random'

/** Split names by their code in {@link assignSplits}' output. */
export const SPLIT_BY_CODE: readonly SplitName[] = ['train', 'validation', 'test']

/** The ratios a new dataset gets unless the user chooses others. */
export const DEFAULT_RATIOS: SplitRatios = { train: 0.8, validation: 0.1, test: 0.1 }

function hashString(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return h >>> 0
}

/** How many of `n` items of one class go to train, validation and test: rounded, never more than n. */
export function splitSizes(n: number, ratios: SplitRatios): [number, number, number] {
  const validation = Math.round(n * ratios.validation)
  const test = Math.min(n - validation, Math.round(n * ratios.test))
  // Every class keeps at least one training item when it has any.
  if (n > 0 && n - validation - test < 1) {
    if (test > 0) return [1, validation, test - 1]
    return [1, validation - 1, 0]
  }
  return [n - validation - test, validation, test]
}

/**
 * Assigns each item to a split (0 train, 1 validation, 2 test), stratified by label: every class is shuffled
 * with a PRNG seeded by (seed, label) and cut by the ratios, so the same seed always gives the same splits.
 */
export function assignSplits(labels: ReadonlyArray<string | null>, ratios: SplitRatios, seed: number): Uint8Array {
  const classes = new Map<string, number>()
  const names: string[] = []
  const classOf = labels.map((label) => {
    if (label === null) return -1
    let c = classes.get(label)
    if (c === undefined) {
      c = names.push(label) - 1
      classes.set(label, c)
    }
    return c
  })
  return assignSplitsByClass(classOf, names, ratios, seed)
}

/**
 * {@link assignSplits} with each item's label given as its class number in `names` (-1: no label), for large
 * datasets whose labels are kept as numbers: the same labels give the same splits. `names` has no repeats.
 */
export function assignSplitsByClass(classOf: ArrayLike<number>, names: readonly string[], ratios: SplitRatios, seed: number): Uint8Array {
  // The items of class c, in order, are order[start[c + 1] .. start[c + 2]) (a counting sort: no array per class).
  const groups = names.length + 1
  const start = new Int32Array(groups + 1)
  for (let i = 0; i < classOf.length; i++) start[classOf[i] + 2]++
  for (let g = 1; g <= groups; g++) start[g] += start[g - 1]
  const order = new Int32Array(classOf.length)
  const fill = start.slice(0, groups)
  for (let i = 0; i < classOf.length; i++) order[fill[classOf[i] + 1]++] = i
  const out = new Uint8Array(classOf.length)
  for (let g = 0; g < groups; g++) {
    const from = start[g]
    const n = start[g + 1] - from
    if (!n) continue
    const label = g === 0 ? null : names[g - 1]
    const random = seededRandom(seed ^ hashString(label ?? '\u0000'))
    for (let i = n - 1; i > 0; i--) {
      const j = from + Math.floor(random() * (i + 1))
      const swap = order[from + i]
      order[from + i] = order[j]
      order[j] = swap
    }
    const [train, validation] = splitSizes(n, ratios)
    for (let k = 0; k < n; k++) out[order[from + k]] = k < train ? 0 : k < train + validation ? 1 : 2
  }
  return out
}

/** Counts a split assignment. */
export function countSplits(codes: Uint8Array): SplitCounts {
  const counts = { train: 0, validation: 0, test: 0 }
  for (const c of codes) counts[SPLIT_BY_CODE[c]]++
  return counts
}

/** A fresh random seed for a new dataset. */
export function newSeed(): number {
  return Math.floor(Math.random() * 2 ** 31)
}
