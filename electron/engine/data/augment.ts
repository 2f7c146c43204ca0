import type { TrainConfig } from '../../../common/contract'

/** Augmentation settings of a run (flip, rotation in degrees, zoom, shear, brightness as fractions). */
export type Augmentation = TrainConfig['augmentation']

/** True when a run asks for any augmentation. */
export function wantsAugmentation(a: Augmentation): boolean {
  return a.flip || a.rotationDegrees > 0 || a.zoom > 0 || a.shear > 0 || a.brightness > 0
}

/**
 * Writes a randomly transformed copy of one image into `out`: horizontal flip, rotation, zoom and shear as one
 * affine map sampled bilinearly around the centre (edges repeat), then a brightness change. Pixels are floats
 * in [0, 1], layout [height, width, channels].
 */
export function augmentImage(src: Float32Array, out: Float32Array, h: number, w: number, c: number, a: Augmentation, random: () => number): void {
  const uniform = (range: number): number => (random() * 2 - 1) * range
  const angle = (uniform(a.rotationDegrees) * Math.PI) / 180
  const zoom = 1 + uniform(a.zoom)
  const shear = uniform(a.shear)
  const flip = a.flip && random() < 0.5 ? -1 : 1
  const brightness = 1 + uniform(a.brightness)
  const cos = Math.cos(angle) / zoom
  const sin = Math.sin(angle) / zoom
  const cy = (h - 1) / 2
  const cx = (w - 1) / 2
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Inverse map: where in the source does this output pixel come from?
      const dx = (x - cx) * flip
      const dy = y - cy
      const sx = Math.min(w - 1, Math.max(0, cos * dx - sin * dy + shear * dy + cx))
      const sy = Math.min(h - 1, Math.max(0, sin * dx + cos * dy + cy))
      const x0 = Math.floor(sx)
      const y0 = Math.floor(sy)
      const x1 = Math.min(w - 1, x0 + 1)
      const y1 = Math.min(h - 1, y0 + 1)
      const fx = sx - x0
      const fy = sy - y0
      for (let ch = 0; ch < c; ch++) {
        const p00 = src[(y0 * w + x0) * c + ch]
        const p01 = src[(y0 * w + x1) * c + ch]
        const p10 = src[(y1 * w + x0) * c + ch]
        const p11 = src[(y1 * w + x1) * c + ch]
        const v = (p00 * (1 - fx) + p01 * fx) * (1 - fy) + (p10 * (1 - fx) + p11 * fx) * fy
        out[(y * w + x) * c + ch] = Math.min(1, Math.max(0, v * brightness))
      }
    }
  }
}
