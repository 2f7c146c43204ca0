import { describe, expect, it } from 'vitest'
import {
  averagePrecision,
  binaryCountsAt,
  classificationReport,
  confusionMatrix,
  countsFromRoc,
  meanStd,
  precisionRecallCurve,
  regressionReport,
  rocCurve,
  trapezoidArea
} from './metrics'

describe('confusion matrix and classification report', () => {
  // actual:    a a a a b b b c c c
  // predicted: a a a b b b a c c b
  const actual = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
  const predicted = [0, 0, 0, 1, 1, 1, 0, 2, 2, 1]
  const confusion = confusionMatrix(actual, predicted, 3)
  const report = classificationReport(confusion, ['a', 'b', 'c'])

  it('counts (actual, predicted) pairs row by actual class', () => {
    expect(confusion).toEqual([
      [3, 1, 0],
      [1, 2, 0],
      [0, 1, 2]
    ])
  })

  const cases: Array<{ label: string; precision: number; recall: number; support: number }> = [
    { label: 'a', precision: 3 / 4, recall: 3 / 4, support: 4 },
    { label: 'b', precision: 2 / 4, recall: 2 / 3, support: 3 },
    { label: 'c', precision: 2 / 2, recall: 2 / 3, support: 3 }
  ]
  for (const c of cases) {
    it(`class=${c.label}: precision ${c.precision.toFixed(3)}, recall ${c.recall.toFixed(3)}, F1 their harmonic mean`, () => {
      const got = report.perClass.find((p) => p.label === c.label)!
      expect(got.precision).toBeCloseTo(c.precision, 10)
      expect(got.recall).toBeCloseTo(c.recall, 10)
      expect(got.f1).toBeCloseTo((2 * c.precision * c.recall) / (c.precision + c.recall), 10)
      expect(got.support).toBe(c.support)
    })
  }

  it('accuracy, macro and support-weighted averages', () => {
    expect(report.accuracy).toBeCloseTo(7 / 10, 10)
    const f1 = cases.map((c) => (2 * c.precision * c.recall) / (c.precision + c.recall))
    expect(report.macro.precision).toBeCloseTo((3 / 4 + 2 / 4 + 1) / 3, 10)
    expect(report.macro.f1).toBeCloseTo((f1[0] + f1[1] + f1[2]) / 3, 10)
    expect(report.weighted.recall).toBeCloseTo((4 * (3 / 4) + 3 * (2 / 3) + 3 * (2 / 3)) / 10, 10)
    expect(report.weighted.f1).toBeCloseTo((4 * f1[0] + 3 * f1[1] + 3 * f1[2]) / 10, 10)
  })

  it('a class never predicted has precision 0, not NaN', () => {
    const r = classificationReport(confusionMatrix([0, 1], [0, 0], 2), ['x', 'y'])
    expect(r.perClass[1]).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 1 })
  })
})

describe('ROC and precision-recall curves', () => {
  // Scores falling: 0.9+ 0.8+ 0.7- 0.6+ 0.5- 0.4- (3 positives, 3 negatives).
  const scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
  const positive = [true, true, false, true, false, false]

  it('ROC walks thresholds from the top; AUC is the share of correctly ordered pairs (8/9)', () => {
    const roc = rocCurve(scores, positive)
    expect(roc.x).toEqual([0, 0, 0, 1 / 3, 1 / 3, 2 / 3, 1])
    expect(roc.y).toEqual([0, 1 / 3, 2 / 3, 2 / 3, 1, 1, 1])
    expect(trapezoidArea(roc.x, roc.y)).toBeCloseTo(8 / 9, 10)
  })

  it('PR curve and average precision (1 + 1 + 3/4)/3', () => {
    const pr = precisionRecallCurve(scores, positive)
    expect(pr.x).toEqual([0, 1 / 3, 2 / 3, 2 / 3, 1, 1, 1])
    expect(pr.y[4]).toBeCloseTo(3 / 4, 10)
    expect(averagePrecision(pr)).toBeCloseTo((1 + 1 + 3 / 4) / 3, 10)
  })

  it('tied scores make one point', () => {
    const roc = rocCurve([0.5, 0.5, 0.5, 0.5], [true, false, true, false])
    expect(roc.x).toEqual([0, 1])
    expect(trapezoidArea(roc.x, roc.y)).toBeCloseTo(0.5, 10)
  })

  for (const [threshold, expected] of [
    [0.75, { tp: 2, fp: 0, tn: 3, fn: 1 }],
    [0.55, { tp: 3, fp: 1, tn: 2, fn: 0 }],
    [0, { tp: 3, fp: 3, tn: 0, fn: 0 }]
  ] as const) {
    it(`threshold=${threshold}: counts at or above are positive, the same read off the ROC curve`, () => {
      expect(binaryCountsAt(scores, positive, threshold)).toEqual(expected)
      expect(countsFromRoc(rocCurve(scores, positive), 3, 3, threshold)).toEqual(expected)
    })
  }
})

describe('regression report and mean ± std', () => {
  it('MAE, MSE, RMSE and R² on hand-computed values', () => {
    // errors: 0.5, -0.5, 0, 1 → |e| 2/4, e² 1.5/4; mean of truth 4.5, SS_tot = 6.25+0.25+0.25+6.25 = 13
    const r = regressionReport([2, 4, 5, 7], [2.5, 3.5, 5, 8])
    expect(r.mae).toBeCloseTo(0.5, 10)
    expect(r.mse).toBeCloseTo(0.375, 10)
    expect(r.rmse).toBeCloseTo(Math.sqrt(0.375), 10)
    expect(r.r2).toBeCloseTo(1 - 1.5 / 13, 10)
  })

  it('mean and population standard deviation', () => {
    expect(meanStd([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, std: 2 })
    expect(meanStd([])).toEqual({ mean: 0, std: 0 })
  })
})
