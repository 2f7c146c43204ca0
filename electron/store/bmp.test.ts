import { describe, expect, it } from 'vitest'
import { decodeBmp, encodeBmp24 } from './bmp'
import { patternPixels } from './data.test-helpers'

describe('BMP decoding', () => {
  it.each([
    [1, 1],
    [5, 3],
    [48, 32]
  ])('round-trips a %ix%i 24-bit bitmap', (w, h) => {
    const rgb = patternPixels(w, h, 9)
    const { width, height, data } = decodeBmp(encodeBmp24(w, h, rgb))
    expect([width, height]).toEqual([w, h])
    for (let i = 0; i < w * h; i++) expect([...data.subarray(i * 4, i * 4 + 3)]).toEqual([...rgb.subarray(i * 3, i * 3 + 3)])
  })

  it('refuses a truncated bitmap', () => {
    const bytes = encodeBmp24(20, 20, patternPixels(20, 20, 1))
    expect(() => decodeBmp(bytes.subarray(0, 200))).toThrow(/truncated/)
  })
})
