import { describe, expect, it } from 'vitest'
import { ColumnAccumulator, isMissing, proposeTarget } from './columns'
import { detectHeader } from './csv'

function infer(name: string, values: Array<string | null>): string {
  const a = new ColumnAccumulator(name)
  for (const v of values) a.add(v)
  return a.inferType()
}

const range = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i))

describe('column type inference', () => {
  it.each([
    ['numeric', 'height', range(30, (i) => (i * 1.7).toFixed(2))],
    ['numeric with missing', 'height', [...range(30, (i) => String(i * 3)), '', 'NA', '?']],
    ['boolean yes/no', 'active', range(30, (i) => (i % 2 ? 'yes' : 'No'))],
    ['boolean 0/1', 'flag', range(30, (i) => String(i % 2))],
    ['categorical', 'colour', range(30, (i) => ['red', 'green', 'blue'][i % 3])],
    ['categorical small ints', 'rating', range(100, (i) => String((i % 5) + 1))],
    ['date', 'when', range(30, (i) => `2023-0${(i % 9) + 1}-1${i % 9}`)],
    ['id by sequence', 'n', range(30, (i) => String(i + 1))],
    ['id by name', 'user_id', range(30, (i) => String(i * 17 + 3))],
    ['id by unique codes', 'code', range(30, (i) => `CUST-${1000 + i}`)],
    ['text', 'review', range(30, (i) => `this is review ${i} and it says quite a lot of things`)]
  ])('%s', (kind, name, values) => {
    const expected = kind.split(' ')[0]
    expect(infer(name, values)).toBe(expected)
  })

  it.each(['', ' ', 'NA', 'n/a', 'N/A', 'null', 'NULL', '?', 'NaN'])('"%s" is missing', (v) => expect(isMissing(v)).toBe(true))
  it.each(['0', 'none', 'no', '-'])('"%s" is a value', (v) => expect(isMissing(v)).toBe(false))

  it('proposes a conventional target name, else the last class column', () => {
    expect(proposeTarget([{ name: 'x', type: 'numeric' }, { name: 'Label', type: 'categorical' }, { name: 'z', type: 'categorical' }])).toBe('Label')
    expect(proposeTarget([{ name: 'a', type: 'categorical' }, { name: 'b', type: 'boolean' }, { name: 'c', type: 'numeric' }])).toBe('b')
    expect(proposeTarget([{ name: 'a', type: 'numeric' }, { name: 'price', type: 'numeric' }])).toBe('price')
  })
})

describe('header detection', () => {
  it.each([
    ['names over numbers', [['a', 'b'], ['1', '2'], ['3', '4']], true],
    ['numbers first', [['1', '2'], ['3', '4']], false],
    ['names over names', [['text', 'label'], ['hello there', 'pos'], ['bye now', 'neg']], true],
    ['repeated value', [['red', 'x'], ['red', 'y'], ['blue', 'x']], false],
    ['header only', [['name', 'age']], true]
  ])('%s', (_case, rows, expected) => expect(detectHeader(rows)).toBe(expected))
})
