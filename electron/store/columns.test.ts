import { describe, expect, it } from 'vitest'
import { MISSING_TOKENS, type DecimalMark } from '../../common/data/cells'
import { ColumnAccumulator, isMissing, proposeTarget } from './columns'
import { detectHeader } from './csv'

function infer(name: string, values: Array<string | null>, decimal: DecimalMark = '.'): string {
  const a = new ColumnAccumulator(name, { decimal, missing: MISSING_TOKENS })
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
    ['numeric counts with few values (support calls 0–9)', 'support_calls', range(100, (i) => String(i % 10))],
    ['numeric small ints with an order (cylinders)', 'Cylinders', range(100, (i) => String([4, 4, 6, 8, 3, 5][i % 6]))],
    ['numeric ratings 1–5', 'rating', range(100, (i) => String((i % 5) + 1))],
    ['categorical codes with leading zeros', 'store', range(100, (i) => String(i % 7).padStart(3, '0'))],
    ['categorical whole numbers in a code-named column', 'zip_code', range(100, (i) => String(75000 + (i % 12)))],
    ['categorical digit labels in a target-named column', 'label', range(100, (i) => String(i % 10))],
    ['numeric decimals written with a decimal comma', 'petal', range(30, (i) => `${i % 7},${i % 10}`), ','],
    ['date', 'when', range(30, (i) => `2023-0${(i % 9) + 1}-1${i % 9}`)],
    ['id by sequence', 'n', range(30, (i) => String(i + 1))],
    ['id by name', 'user_id', range(30, (i) => String(i * 17 + 3))],
    ['id by unique codes', 'code', range(30, (i) => `CUST-${1000 + i}`)],
    ['text', 'review', range(30, (i) => `this is review ${i} and it says quite a lot of things`)],
    ['categorical long labels that repeat (survey answers)', 'answer', range(40, (i) => ['Very satisfied with the product', 'Not satisfied with the product at all'][i % 2])]
  ])('%s', (kind, name, values, decimal = '.') => {
    const expected = kind.split(' ')[0]
    expect(infer(name, values, decimal as DecimalMark)).toBe(expected)
  })

  it('says why it chose a type', () => {
    const a = new ColumnAccumulator('support_calls')
    for (const v of range(100, (i) => String(i % 10))) a.add(v)
    expect(a.inference()).toEqual({ type: 'numeric', reason: 'wholeNumbers' })
    expect(a.stats().reason).toBe('wholeNumbers')
  })

  it.each(['', ' ', 'NA', 'n/a', 'N/A', '#N/A', 'null', 'NULL', 'None', 'none', '?', 'NaN', '-', '.', ' . ', 'inf', '-Inf', 'Infinity'])('"%s" is missing', (v) =>
    expect(isMissing(v)).toBe(true)
  )
  it.each(['0', 'no', '-1', '.5', 'nothing', 'Nice'])('"%s" is a value', (v) => expect(isMissing(v)).toBe(false))

  it('a column with its own missing spellings reads only those as missing', () => {
    expect(isMissing('None', ['', 'n/a'])).toBe(false)
    expect(isMissing('N/A ', ['', 'n/a'])).toBe(true)
    expect(isMissing('', [])).toBe(true)
  })

  it('counts each missing spelling it saw (penguins\' sex: "." besides empty cells)', () => {
    const a = new ColumnAccumulator('sex')
    for (const v of [...range(40, (i) => (i % 2 ? 'MALE' : 'FEMALE')), '.', '', '', 'NA']) a.add(v)
    expect(a.inferType()).toBe('categorical')
    expect(a.stats().missingTokens).toEqual([
      { token: '', count: 2 },
      { token: '.', count: 1 },
      { token: 'na', count: 1 }
    ])
    expect(a.stats().top.map((t) => t.value).sort()).toEqual(['FEMALE', 'MALE'])
  })

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
    ['repeated names over numbers (x,x,label)', [['x', 'x', 'label'], ['1', '2', 'a'], ['3', '4', 'b']], true],
    ['header only', [['name', 'age']], true]
  ])('%s', (_case, rows, expected) => expect(detectHeader(rows)).toBe(expected))
})

describe('column statistics', () => {
  // Short decimals are read without Number: their statistics must be exactly what Number gives.
  it.each([
    ['short decimals', range(300, (i) => (i * 0.37 - 40).toFixed(i % 4))],
    ['signs and bare points', ['+1.5', '-.25', '3.', '-0', '.5', '007.10', '-12.000001', '+42']],
    ['15 digits and more', ['123456789.012345', '0.123456789012345', '12345678901234567.89', '123456789012.3456789', '4.35679838297764523', '0.1']],
    ['exponents and long forms mixed in', ['1.5', '2e3', '-1.25E-2', '3.14159265358979323846', '0.30000000000000004']]
  ])('%s: min, max, mean and std as Number reads them', (_case, values) => {
    const a = new ColumnAccumulator('x')
    a.add('1.5') // a decimal first, so the rest are read as short decimals where they can be
    for (const v of values) a.add(v)
    const numbers = ['1.5', ...values].map(Number)
    const mean = numbers.reduce((s, n) => s + n, 0) / numbers.length
    const stats = a.stats()
    expect(a.inferType()).toBe('numeric')
    expect(stats.min).toBe(Math.min(...numbers))
    expect(stats.max).toBe(Math.max(...numbers))
    expect(stats.mean).toBe(mean)
    expect(stats.std).toBe(Math.sqrt(Math.max(0, numbers.reduce((s, n) => s + n * n, 0) / numbers.length - mean ** 2)))
  })

  it.each(['0x1f', '1.2.3', '1,5', '+-1', '130hp', '1,23,4'])('"%s" after decimals makes the column not numeric', (value) => {
    const a = new ColumnAccumulator('x')
    for (const v of range(30, (i) => `${i}.5`)) a.add(v)
    a.add(value)
    expect(a.inferType()).not.toBe('numeric')
  })

  it('numbers label cells by first appearance, as they are (untrimmed), missing as -1, beyond the distinct cap too', () => {
    const a = new ColumnAccumulator('label')
    a.numberLabels()
    const cells = ['a', ' a', 'NA', 'b', 'a', ' a', '', 'b ', ...range(2500, (i) => `v${i}`), 'v2400', 'v3', 'b']
    const codes = cells.map((c) => (a.add(c), a.lastLabel))
    const values = a.labelValues
    expect(values.slice(0, 4)).toEqual(['a', ' a', 'b', 'b '])
    expect(new Set(values).size).toBe(values.length)
    cells.forEach((cell, i) => expect(codes[i] === -1 ? null : values[codes[i]]).toBe(isMissing(cell) ? null : cell))
  })
})
