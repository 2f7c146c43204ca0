import { describe, expect, it } from 'vitest'
import { PREPROCESSING_FORMAT, readPreprocessing } from './preprocessing'
import { checkRow, decodeOutputs, encodeRow, encodeTargets, exampleShape, hasTarget, imageInputShape } from './encode'
import { chooseSequenceLength } from './tokenizer'
import type { TablePreprocessing } from './preprocessing'

/** A table preprocessing exactly as runs stored it before the format was named. */
const STORED_TABLE = {
  kind: 'table',
  features: [
    { column: 'age', position: 0, type: 'number', mean: 40, std: 10 },
    { column: 'member', position: 1, type: 'flag', truthy: ['true', 'yes', 'y', '1', 't'] },
    { column: 'plan', position: 2, type: 'onehot', categories: ['basic', 'pro'] }
  ],
  classes: null,
  target: 'spend',
  targetMean: 100,
  targetStd: 20,
  task: 'regression'
}

describe('the preprocessing contract', () => {
  it('reads a preprocessing stored by earlier runs and stamps the current format', () => {
    const p = readPreprocessing(STORED_TABLE)
    expect(p.format).toBe(PREPROCESSING_FORMAT)
    expect(exampleShape(p)).toEqual([4])
  })

  it.each([
    ['an unknown kind', { kind: 'test' }],
    ['a feature of unknown type', { ...STORED_TABLE, features: [{ column: 'x', position: 0, type: 'magic' }] }],
    ['a zero standard deviation', { ...STORED_TABLE, targetStd: 0 }],
    ['images with 4 channels', { kind: 'images', height: 8, width: 8, channels: 4, scale: 1, classes: ['a'], task: 'classification' }],
    ['a text without its vocabulary', { kind: 'text', sequenceLength: 10, classes: ['a', 'b'], task: 'binary', lowercase: true }]
  ])('refuses %s', (_, value) => {
    expect(() => readPreprocessing(value)).toThrow()
  })

  it('upgrades a format 2 run with what it did: legacy missing spellings, the mean as fill, flags missing as 0', () => {
    const p = readPreprocessing(STORED_TABLE) as TablePreprocessing
    expect(p.features[0]).toMatchObject({ missing: ['', 'na', 'n/a', 'nan', 'null', '?'], fill: 40, decimal: '.' })
    expect(p.features[1]).toMatchObject({ fill: 0, falsy: ['false', 'no', 'n', '0', 'f'] })
    expect(p).toMatchObject({ targetDecimal: '.', ignoredColumns: [] })
    const x = new Float32Array(4)
    // "-" was a value to format 2 runs (an unknown category, and not a number): still read so.
    encodeRow(p.features, ['-', null, '-'], x)
    expect(Array.from(x)).toEqual([0, 0, 0, 0])
  })

  it('encodes a row and decodes an output with the stored statistics', () => {
    const p = readPreprocessing(STORED_TABLE)
    if (p.kind !== 'table') throw new Error('a table')
    const x = new Float32Array(4)
    encodeRow(p.features, ['50', 'Yes', 'pro'], x)
    expect(Array.from(x)).toEqual([1, 1, 0, 1])
    expect(decodeOutputs(p, [0.5], 1)).toEqual([{ value: 110 }])
  })
})

/** A table preprocessing of format 3: a number with a decimal comma, a date, a flag and a category, each with its missing spellings. */
const MESSY: TablePreprocessing = readPreprocessing({
  format: 'strata.preprocessing/3',
  kind: 'table',
  features: [
    { column: 'weight', position: 0, type: 'number', mean: 10, std: 2, fill: 12, decimal: ',', missing: ['', 'na', '.'] },
    { column: 'day', position: 1, type: 'date', order: 'dmy', mean: 19000, std: 100, fill: 19100, missing: [''] },
    { column: 'member', position: 2, type: 'flag', truthy: ['yes'], falsy: ['no'], fill: 1, missing: [''] },
    { column: 'sex', position: 3, type: 'onehot', categories: ['FEMALE', 'MALE'], missing: ['', '.'] }
  ],
  classes: null,
  target: 'price',
  targetMean: 100,
  targetStd: 10,
  targetDecimal: ',',
  ignoredColumns: ['id'],
  task: 'regression'
}) as TablePreprocessing

describe('encoding messy rows', () => {
  it('missing cells take the fill training chose (never a silent 0), spelled however the column spells them', () => {
    const x = new Float32Array(7)
    encodeRow(MESSY.features, ['.', '', '', '.'], x)
    expect(Array.from(x)).toEqual([1, 1, 0, 0, 1, 0, 0])
  })

  it('reads a decimal comma, a day-first date and its season', () => {
    const x = new Float32Array(7)
    encodeRow(MESSY.features, ['14,5', '01/01/2022', 'no', 'MALE'], x)
    expect(x[0]).toBeCloseTo(2.25, 6)
    expect(x[1]).toBeCloseTo((18993 - 19000) / 100, 6)
    expect(Math.hypot(x[2], x[3])).toBeCloseTo(1, 5)
    expect(Array.from(x.subarray(4))).toEqual([0, 0, 1])
  })

  it('checks a row given by name: unknown names and unreadable values listed, left-out columns filled, ignored ones accepted', () => {
    const checked = checkRow(MESSY, { weigth: '12', weight: '130hp', day: '31/02/2022', member: 'maybe', sex: 'OTHER', id: '7', price: '3' })
    expect(checked.unknown).toEqual(['weigth'])
    expect(checked.unreadable).toEqual([
      { column: 'weight', value: '130hp', expected: 'number' },
      { column: 'day', value: '31/02/2022', expected: 'date' },
      { column: 'member', value: 'maybe', expected: 'flag' }
    ])
    expect(checked.unseen).toEqual([{ column: 'sex', value: 'OTHER' }])
    const partial = checkRow(MESSY, { weight: '9,5', sex: '.' })
    expect(partial).toMatchObject({ unknown: [], unreadable: [], filled: ['day', 'member', 'sex'], row: ['9,5', null, null, null] })
  })

  it('a target is present only when the preprocessing can learn it; regression targets read with their decimal mark', () => {
    expect([hasTarget(MESSY, null), hasTarget(MESSY, 'NaN'), hasTarget(MESSY, '110,5'), hasTarget(MESSY, '110.5')]).toEqual([false, false, true, false])
    expect(encodeTargets(MESSY, ['110,5'])[0]).toBeCloseTo(1.05, 6)
  })
})

describe('fitting to data', () => {
  it('a sequence length holds 19 texts in 20 whole, at most 500 words, and says how many it cuts', () => {
    const lengths = Array.from({ length: 100 }, (_, i) => (i < 85 ? 300 + i : 80))
    expect(chooseSequenceLength(lengths)).toEqual({ length: 379, cut: 5, percentile: 95 })
    expect(chooseSequenceLength(Array.from({ length: 40 }, () => 2000))).toEqual({ length: 500, cut: 40, percentile: 95 })
    expect(chooseSequenceLength([1, 2, 3]).length).toBe(8)
  })

  it('an image input takes the set\'s most common size (large photos scaled down) and grey only when every image is', () => {
    expect(imageInputShape([{ width: 28, height: 28, channels: 1, count: 60 }])).toEqual([28, 28, 1])
    expect(imageInputShape([{ width: 32, height: 32, channels: 3, count: 9 }, { width: 28, height: 28, channels: 1, count: 2 }])).toEqual([32, 32, 3])
    expect(imageInputShape([{ width: 4000, height: 3000, channels: 3, count: 5 }])).toEqual([96, 128, 3])
  })
})
