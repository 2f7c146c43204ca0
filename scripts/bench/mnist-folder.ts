import fs from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { readMnist } from '../../electron/engine/mnist'

/** Writes the first `count` MNIST training digits as PNG files, one sub-folder per digit (an image-folder dataset). */
export async function writeMnistFolder(dir: string, count: number, split: 'train' | 'test' = 'train'): Promise<void> {
  const digits = readMnist(split, count)
  for (let d = 0; d < 10; d++) fs.mkdirSync(path.join(dir, String(d)), { recursive: true })
  const size = digits.rows * digits.cols
  for (let i = 0; i < digits.count; i++) {
    const pixels = Buffer.from(digits.images.subarray(i * size, (i + 1) * size))
    await sharp(pixels, { raw: { width: digits.cols, height: digits.rows, channels: 1 } })
      .png()
      .toFile(path.join(dir, String(digits.labels[i]), `${split}-${i}.png`))
  }
}
