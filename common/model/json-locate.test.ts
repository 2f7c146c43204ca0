import { describe, expect, it } from 'vitest'
import { locateJsonPaths, spanForPath } from './json-locate'

const text = '{\n  "a": [1, {"b": "x\\"y"}],\n  "c": true\n}'

describe('JSON paths are located in the text', () => {
  it.each([
    ['', '{\n  "a": [1, {"b": "x\\"y"}],\n  "c": true\n}'],
    ['a', '[1, {"b": "x\\"y"}]'],
    ['a.0', '1'],
    ['a.1.b', '"x\\"y"'],
    ['c', 'true']
  ])('path=%s', (path, expected) => {
    const span = locateJsonPaths(text).get(path)!
    expect(text.slice(span.start, span.end)).toBe(expected)
  })

  it('a missing key points at its nearest parent', () => {
    const span = spanForPath(locateJsonPaths(text), ['a', 1, 'zzz'])!
    expect(text.slice(span.start, span.end)).toBe('{"b": "x\\"y"}')
  })

  it('a broken document keeps what was found before the error', () => {
    expect(locateJsonPaths('{"a": 1, "b": }').get('a')).toEqual({ start: 6, end: 7 })
  })
})
