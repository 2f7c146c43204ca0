import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import type { DatasetItem } from '../../../common/contract/dataset'
import { saveCheckpoint } from '../train/checkpoint'
import { assignFolds, scorePredictions, predictWithRun } from './evaluate-jobs'
import { readPreprocessing, type Preprocessing } from '../../../common/data/preprocessing'

const item = (id: number, label: string): DatasetItem => ({ id, label, split: 'test', hash: null, file: null, width: null, height: null, text: null, row: [] })

describe('judging predictions', () => {
  it('regression: errors in the target units and [actual, predicted] points, one line per item', () => {
    const p: Preprocessing = readPreprocessing({ kind: 'table', features: [], classes: null, target: 'price', targetMean: 0, targetStd: 1, task: 'regression' })
    const items = [item(1, '2'), item(2, '4'), item(3, '5'), item(4, '7')]
    const { report, evaluated } = scorePredictions(p, items, [{ value: 2.5 }, { value: 3.5 }, { value: 5 }, { value: 8 }])
    expect(report).toMatchObject({ task: 'regression', target: 'price', mae: 0.5, mse: 0.375, points: [[2, 2.5], [4, 3.5], [5, 5], [7, 8]] })
    expect(evaluated[3]).toEqual({ itemId: 4, actual: '7', predicted: '8', output: { value: 8 } })
  })

  it('two classes: confusion matrix by class name and ROC/PR curves for the second class', () => {
    const p: Preprocessing = readPreprocessing({ kind: 'text', sequenceLength: 4, vocabulary: [], classes: ['bad', 'good'], task: 'binary', lowercase: true })
    const items = [item(1, 'good'), item(2, 'good'), item(3, 'bad'), item(4, 'bad')]
    const probs = [0.9, 0.4, 0.6, 0.1].map((g) => ({ label: g >= 0.5 ? 'good' : 'bad', probabilities: { bad: 1 - g, good: g } }))
    const { report } = scorePredictions(p, items, probs)
    if (report.task === 'regression') throw new Error('expected classes')
    expect(report.confusion).toEqual([
      [1, 1],
      [1, 1]
    ])
    expect(report.binary).toMatchObject({ positiveClass: 'good', positives: 2, negatives: 2, rocAuc: 0.75 })
  })
})

describe('cross-validation folds', () => {
  for (const k of [2, 3, 5]) {
    it(`k=${k}: every item in exactly one fold, folds within one item of each other, classes spread evenly`, () => {
      const labels = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? 'a' : 'b'))
      const folds = assignFolds(labels, k, 42, true)
      const sizes = Array.from({ length: k }, (_, f) => folds.filter((x) => x === f).length)
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
      const aPerFold = Array.from({ length: k }, (_, f) => labels.filter((l, i) => l === 'a' && folds[i] === f).length)
      expect(Math.max(...aPerFold) - Math.min(...aPerFold)).toBeLessThanOrEqual(1)
      expect(assignFolds(labels, k, 42, true)).toEqual(folds)
    })
  }
})

describe('try-it predictions in a warm engine', () => {
  it('loads a run model once, answers from the cache, and leaves no tensors behind per prediction', async () => {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-predict-'))
    try {
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2, activation: 'softmax' })] })
      const optimizer = tf.train.adam(0.01)
      await saveCheckpoint(tf, path.join(runDir, 'checkpoints', 'best'), model, optimizer, { epoch: 1, step: 1, learningRate: 0.01, bestValue: null, bestEpoch: 1, epochsWithoutImprovement: 0, epochsWithoutLrImprovement: 0 })
      model.dispose()
      optimizer.dispose()
      const p: Preprocessing = readPreprocessing({
        kind: 'table',
        features: [
          { column: 'x', position: 0, type: 'number', mean: 0, std: 1 },
          { column: 'y', position: 1, type: 'number', mean: 0, std: 1 }
        ],
        classes: ['no', 'yes'],
        target: 't',
        targetMean: 0,
        targetStd: 1,
        task: 'classification'
      })
      const first = await predictWithRun(7, runDir, p, [{ row: ['1', '2'] }])
      const loaded = tf.memory().numTensors
      const again = await predictWithRun(7, runDir, p, [{ row: ['1', '2'] }, { row: ['0', '0'] }])
      expect(tf.memory().numTensors).toBe(loaded)
      expect(again[0]).toEqual(first[0])
      const probs = (again[1] as { probabilities: Record<string, number> }).probabilities
      expect(probs.no + probs.yes).toBeCloseTo(1, 5)
    } finally {
      fs.rmSync(runDir, { recursive: true, force: true })
    }
  })
})
