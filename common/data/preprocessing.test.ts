import { describe, expect, it } from 'vitest'
import { PREPROCESSING_FORMAT, readPreprocessing } from './preprocessing'
import { decodeOutputs, encodeRow, exampleShape } from './encode'

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
  it('reads a preprocessing stored by earlier runs as it is, and one of the current format', () => {
    const p = readPreprocessing(STORED_TABLE)
    expect(p).toEqual(STORED_TABLE)
    expect(exampleShape(p)).toEqual([4])
    expect(readPreprocessing({ ...STORED_TABLE, format: PREPROCESSING_FORMAT }).format).toBe(PREPROCESSING_FORMAT)
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

  it('encodes a row and decodes an output with the stored statistics', () => {
    const p = readPreprocessing(STORED_TABLE)
    if (p.kind !== 'table') throw new Error('a table')
    const x = new Float32Array(4)
    encodeRow(p.features, ['50', 'Yes', 'pro'], x)
    expect(Array.from(x)).toEqual([1, 1, 0, 1])
    expect(decodeOutputs(p, [0.5], 1)).toEqual([{ value: 110 }])
  })
})
