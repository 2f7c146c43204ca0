import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { encodeBmp24 } from './bmp'

/** Image file formats the generators can write. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'bmp'

/** A fresh temporary folder, removed by the caller. */
export function tempDir(prefix = 'strata-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

/** RGB pixels of a simple pattern, different for each seed, width·height·3 bytes. */
export function patternPixels(width: number, height: number, seed: number): Buffer {
  const out = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3
      out[o] = (x * 4 + seed * 37) & 255
      out[o + 1] = (y * 4 + seed * 91) & 255
      out[o + 2] = ((x ^ y) + seed * 13) & 255
    }
  }
  return out
}

/** Encodes a real image in a format (seed varies the pixels, so files differ). */
export async function makeImage(format: ImageFormat, opts: { width?: number; height?: number; seed?: number; channels?: 1 | 3 | 4; orientation?: number; palette?: boolean } = {}): Promise<Buffer> {
  const width = opts.width ?? 48
  const height = opts.height ?? 32
  const rgb = patternPixels(width, height, opts.seed ?? 0)
  if (format === 'bmp') return encodeBmp24(width, height, rgb)
  let image = sharp(rgb, { raw: { width, height, channels: 3 } })
  if (opts.channels === 1) image = image.toColourspace('b-w')
  if (opts.channels === 4) image = image.ensureAlpha(0.5)
  if (opts.orientation) image = image.withMetadata({ orientation: opts.orientation })
  switch (format) {
    case 'jpeg':
      return image.jpeg({ quality: 85 }).toBuffer()
    case 'png':
      return image.png({ palette: opts.palette ?? false }).toBuffer()
    case 'webp':
      return image.webp().toBuffer()
    case 'gif':
      return image.gif().toBuffer()
    case 'tiff':
      return image.tiff().toBuffer()
  }
}

/** Writes files (relative path → bytes or text) under a folder. */
export function writeTree(root: string, files: Record<string, Buffer | string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, content)
  }
}

/** A class-per-folder image tree: `count` images per class, formats cycling, each with distinct pixels. */
export async function makeImageFolder(root: string, classes: Record<string, number>, formats: ImageFormat[] = ['jpeg', 'png']): Promise<void> {
  let seed = 1
  for (const [label, count] of Object.entries(classes)) {
    for (let i = 0; i < count; i++) {
      const format = formats[i % formats.length]
      const ext = format === 'jpeg' ? 'jpg' : format
      writeTree(root, { [`${label}/${label}-${i}.${ext}`]: await makeImage(format, { seed: seed++ }) })
    }
  }
}
