import { describe, expect, it } from 'vitest'
import { assignSplits, countSplits, splitSizes } from './splits'

const RATIOS = { train: 0.7, validation: 0.15, test: 0.15 }

function labels(classes: Record<string, number>): string[] {
  return Object.entries(classes).flatMap(([label, n]) => Array<string>(n).fill(label))
}

describe('splits', () => {
  it.each([
    [{ a: 100, b: 100 }],
    [{ a: 900, b: 90, c: 10 }],
    [{ a: 1, b: 2, c: 3, d: 200 }]
  ])('are stratified by class: classes=%j', (classes) => {
    const all = labels(classes)
    const codes = assignSplits(all, RATIOS, 42)
    for (const [label, n] of Object.entries(classes)) {
      const mine = codes.filter((_, i) => all[i] === label)
      const counts = countSplits(mine)
      const [train, validation, test] = splitSizes(n, RATIOS)
      expect(counts).toEqual({ train, validation, test })
      expect(counts.train).toBeGreaterThanOrEqual(1)
    }
  })

  it('are the same for the same seed and different for another', () => {
    const all = labels({ a: 50, b: 50 })
    expect(assignSplits(all, RATIOS, 1)).toEqual(assignSplits(all, RATIOS, 1))
    expect(assignSplits(all, RATIOS, 1)).not.toEqual(assignSplits(all, RATIOS, 2))
  })

  it.each([
    [10, [6, 2, 2]],
    [1, [1, 0, 0]],
    [2, [2, 0, 0]],
    [3, [1, 1, 1]],
    [0, [0, 0, 0]]
  ])('splitSizes(n=%i) keeps at least one training item', (n, expected) => {
    const sizes = splitSizes(n, n === 3 ? { train: 0.34, validation: 0.33, test: 0.33 } : RATIOS)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(n)
    expect(sizes).toEqual(expected)
  })
})
