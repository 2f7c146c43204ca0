import type { Task } from '../../../common/data/preprocessing'
import { shuffledIndices } from '../../../common/random'

/** One batch as plain typed arrays: `x` is [n, ...inputShape] flattened, `y` is [n, targetSize] flattened. */
export interface Batch {
  x: Float32Array
  y: Float32Array
  n: number
}

/** A split of a dataset that yields batches; never holds more than a few batches in memory at once. */
export interface BatchSource {
  /** Number of items in the split. */
  size: number
  /** Batches of one epoch; `shuffleSeed` null keeps the stored order (validation, evaluation). */
  batches(batchSize: number, shuffleSeed: number | null): AsyncIterable<Batch>
}

/** Everything a training job needs to know about its data. */
export interface TrainingData {
  task: Task
  inputShape: number[]
  targetSize: number
  train: BatchSource
  validation: BatchSource | null
  /** Items per class in the training split (classification and binary), for class weights. */
  classCounts?: number[]
}

/** A split held in memory as two flat arrays (tables, text, small image sets). */
export function inMemorySource(x: Float32Array, y: Float32Array, featureSize: number, targetSize: number): BatchSource {
  const size = featureSize === 0 ? 0 : x.length / featureSize
  return {
    size,
    async *batches(batchSize, shuffleSeed) {
      const order = shuffleSeed === null ? null : shuffledIndices(size, shuffleSeed)
      for (let start = 0; start < size; start += batchSize) {
        const n = Math.min(batchSize, size - start)
        const bx = new Float32Array(n * featureSize)
        const by = new Float32Array(n * targetSize)
        for (let i = 0; i < n; i++) {
          const src = order ? order[start + i] : start + i
          bx.set(x.subarray(src * featureSize, (src + 1) * featureSize), i * featureSize)
          by.set(y.subarray(src * targetSize, (src + 1) * targetSize), i * targetSize)
        }
        yield { x: bx, y: by, n }
      }
    }
  }
}
