import { describe, expect, it } from 'vitest'
import { augmentImage, wantsAugmentation, type Augmentation } from './augment'
import { seededRandom } from '../../../common/random'

const NONE: Augmentation = { flip: false, rotationDegrees: 0, zoom: 0, shear: 0, brightness: 0 }

function gradient(h: number, w: number): Float32Array {
  const img = new Float32Array(h * w)
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img[y * w + x] = x / (w - 1)
  return img
}

describe('augmentImage', () => {
  it('with nothing asked, copies the image unchanged', () => {
    const src = gradient(8, 8)
    const out = new Float32Array(64)
    augmentImage(src, out, 8, 8, 1, NONE, seededRandom(1))
    expect(Array.from(out)).toEqual(Array.from(src))
    expect(wantsAugmentation(NONE)).toBe(false)
  })

  it('a flip mirrors left and right (on the draws that flip)', () => {
    const src = gradient(4, 5)
    const results = new Set<string>()
    for (let seed = 1; seed <= 20; seed++) {
      const out = new Float32Array(20)
      augmentImage(src, out, 4, 5, 1, { ...NONE, flip: true }, seededRandom(seed))
      results.add(Array.from(out.slice(0, 5)).map((v) => v.toFixed(2)).join(','))
    }
    expect(results).toEqual(new Set(['0.00,0.25,0.50,0.75,1.00', '1.00,0.75,0.50,0.25,0.00']))
  })

  for (const [label, a] of [
    ['rotation=30', { ...NONE, rotationDegrees: 30 }],
    ['zoom=0.3', { ...NONE, zoom: 0.3 }],
    ['shear=0.3', { ...NONE, shear: 0.3 }],
    ['brightness=0.5', { ...NONE, brightness: 0.5 }]
  ] as const) {
    it(`${label}: changes the image, keeps values in [0, 1], and is repeatable for a seed`, () => {
      const src = gradient(16, 16)
      const a1 = new Float32Array(256)
      const a2 = new Float32Array(256)
      augmentImage(src, a1, 16, 16, 1, a, seededRandom(7))
      augmentImage(src, a2, 16, 16, 1, a, seededRandom(7))
      expect(Array.from(a1)).toEqual(Array.from(a2))
      expect(Array.from(a1)).not.toEqual(Array.from(src))
      expect(Math.min(...a1)).toBeGreaterThanOrEqual(0)
      expect(Math.max(...a1)).toBeLessThanOrEqual(1)
    })
  }
})
