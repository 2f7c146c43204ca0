import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { TrainConfig } from '../../../common/contract'
import { buildTemplate } from '../../../common/model/templates'
import { seededRandom } from '../../../common/random'
import { inMemorySource, type TrainingData } from '../data/data-source'
import { augmentationLayers, compileModel } from './compile-model'
import { seedMathRandom, withSeed } from './seeded-random'
import { makeOptimizer, train } from './trainer'

/** Three overlapping blobs of 4 features: enough for dropout and shuffling to change every step. */
function blobs(): TrainingData {
  const random = seededRandom(5)
  const n = 180
  const x = new Float32Array(n * 4)
  const y = new Float32Array(n * 3)
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 4; k++) x[i * 4 + k] = (i % 3) * 0.8 + random() * 2
    y[i * 3 + (i % 3)] = 1
  }
  return { task: 'classification', inputShape: [4], targetSize: 3, train: inMemorySource(x, y, 4, 3), validation: null }
}

/** Builds the table classifier (Dense, Dropout, Dense) from a seed and trains it: its loss per epoch. */
async function curve(seed: number, opts: { buildSeeded: boolean } = { buildSeeded: true }): Promise<number[]> {
  await tf.setBackend('cpu')
  const spec = buildTemplate('tabular-classifier', { inputShape: [4], classes: 3, task: 'classification' })
  const build = () => compileModel(tf, spec, { inputShape: [4] })
  const model = opts.buildSeeded ? withSeed(seed, 0, build) : build()
  const config = TrainConfig.parse({ epochs: 4, batchSize: 16, learningRate: 0.01, seed })
  const optimizer = makeOptimizer(tf, config)
  const losses: number[] = []
  await train(tf, model, optimizer, blobs(), config, { onEpoch: (e) => void losses.push(e.metrics.loss) })
  model.dispose()
  optimizer.dispose()
  return losses
}

describe("a run's randomness follows its seed", () => {
  it('the same seed gives the same initial weights, dropout masks and loss curve (within 1e-6 per epoch)', async () => {
    const [a, b] = [await curve(7), await curve(7)]
    a.forEach((loss, i) => expect(Math.abs(loss - b[i]), `epoch ${i + 1}`).toBeLessThanOrEqual(1e-6))
    const c = await curve(8)
    expect(c.some((loss, i) => Math.abs(loss - a[i]) > 1e-4)).toBe(true)
  })

  it('without the seeded build, initial weights differ from run to run (what the seed fixes)', async () => {
    const [a, b] = [await curve(7, { buildSeeded: false }), await curve(7, { buildSeeded: false })]
    expect(a.some((loss, i) => Math.abs(loss - b[i]) > 1e-6)).toBe(true)
  })

  it("Strata's augmentation layers draw their flips from the seed too", () => {
    const { RandomFlip } = augmentationLayers(tf)
    const flip = new RandomFlip({ mode: 'horizontal' })
    const image = tf.tensor4d(Array.from({ length: 8 * 2 * 2 }, (_, i) => i), [8, 2, 2, 1])
    const once = () => {
      const restore = seedMathRandom(3, 1)
      try {
        return Array.from((flip.apply(image, { training: true }) as tf.Tensor).dataSync())
      } finally {
        restore()
      }
    }
    expect(once()).toEqual(once())
    image.dispose()
  })

  it('puts Math.random back when training ends', async () => {
    const before = Math.random
    await curve(1)
    expect(Math.random).toBe(before)
  })
})
