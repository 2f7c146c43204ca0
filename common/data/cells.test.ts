import { describe, expect, it } from 'vitest'
import { dateOrderOf, isMissingCell, parseDateCell, parseFlagCell, parseNumberCell, seasonOf } from './cells'

describe('reading cells', () => {
  it.each([
    ['.', true],
    ['NA', true],
    ['N/A', true],
    ['?', true],
    ['-', true],
    ['null', true],
    ['None', true],
    ['NaN', true],
    ['  ', true],
    ['Inf', true],
    ['-infinity', true],
    ['#N/A', true],
    ['MALE', false],
    ['-1', false],
    ['0', false],
    ['.5', false],
    ['no', false]
  ])('"%s" is missing by default: %s', (cell, missing) => expect(isMissingCell(cell)).toBe(missing))

  it('a column with its own spellings reads only those as missing', () => {
    expect(isMissingCell('None', ['', 'n/a'])).toBe(false)
    expect(isMissingCell(' N/A ', ['', 'n/a'])).toBe(true)
    expect(isMissingCell(null, [])).toBe(true)
  })

  it.each([
    ['5.1', '.', 5.1],
    [' -1.5e3 ', '.', -1500],
    ['.5', '.', 0.5],
    ['1,234.5', '.', 1234.5],
    ['12,345,678', '.', 12345678],
    ['5,1', '.', null],
    ['1,23,4', '.', null],
    ['130hp', '.', null],
    ['$5', '.', null],
    ['0x1f', '.', null],
    ['Infinity', '.', null],
    ['5,1', ',', 5.1],
    ['-0,25', ',', -0.25],
    ['1.234,5', ',', 1234.5],
    ['7', ',', 7],
    ['5.1', ',', null],
    ['', '.', null]
  ] as const)('"%s" with decimal mark %s reads as %s', (cell, decimal, value) => expect(parseNumberCell(cell, decimal)).toBe(value))

  it.each([
    ['2024-12-31', 'ymd', Date.UTC(2024, 11, 31) / 86_400_000],
    ['2024/12/31 06:00', 'ymd', Date.UTC(2024, 11, 31, 6) / 86_400_000],
    ['2024-12-31T08:00:00+02:00', 'ymd', Date.UTC(2024, 11, 31, 6) / 86_400_000],
    ['2024-12-31T06:00:00Z', 'ymd', Date.UTC(2024, 11, 31, 6) / 86_400_000],
    ['31/12/2024', 'dmy', Date.UTC(2024, 11, 31) / 86_400_000],
    ['12/31/2024', 'mdy', Date.UTC(2024, 11, 31) / 86_400_000],
    ['03.04.99', 'dmy', Date.UTC(1999, 3, 3) / 86_400_000],
    ['31/12/2024', 'ymd', null],
    ['2023-02-30', 'ymd', null],
    ['yesterday', 'dmy', null]
  ] as const)('date "%s" (%s) is day %s', (cell, order, days) => expect(parseDateCell(cell, order)).toBe(days))

  it('works out the order of year-last dates from the values', () => {
    expect(dateOrderOf(['01/02/2024', '25/02/2024'])).toBe('dmy')
    expect(dateOrderOf(['02/25/2024', '01/02/2024'])).toBe('mdy')
    expect(dateOrderOf(['01.02.2024'])).toBe('dmy')
    expect(dateOrderOf(['2024-01-02'])).toBe('ymd')
  })

  it('a date has its place in the year as a point on a circle, the same every year', () => {
    const [s1, c1] = seasonOf(parseDateCell('2000-07-01')!)
    const [s2, c2] = seasonOf(parseDateCell('2000-07-01')! + 4 * 365.2425)
    expect(s1).toBeCloseTo(s2, 9)
    expect(c1).toBeCloseTo(c2, 9)
    expect(Math.hypot(s1, c1)).toBeCloseTo(1, 12)
  })

  it.each([
    ['Yes', 1],
    [' t ', 1],
    ['0', 0],
    ['No', 0],
    ['maybe', null],
    [null, null]
  ] as const)('flag "%s" is %s', (cell, value) => expect(parseFlagCell(cell)).toBe(value))
})
