import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { beforeAll, describe, expect, it } from 'vitest'
import { TrainConfig } from '../../../common/contract'
import { buildTemplate } from '../../../common/model/templates'
import { readMnist } from '../../store/mnist'
import { compileModel } from '../train/compile-model'
import { inMemorySource, type TrainingData } from '../data/data-source'
import { denseStackStep } from './dense-step'
import { makeOptimizer, train } from '../train/trainer'
import { startWasmBackend } from './threads'

beforeAll(async () => {
  expect((await startWasmBackend(tf)).started).toBe(true)
})

/** The first `count` MNIST training digits, scaled to [0, 1], one-hot: 498 rows make batches of 32 and a last one of 18. */
function mnist(count: number): TrainingData {
  const split = readMnist('train', count)
  const x = new Float32Array(split.images.length)
  for (let i = 0; i < x.length; i++) x[i] = split.images[i] / 255
  const y = new Float32Array(count * 10)
  for (let i = 0; i < count; i++) y[i * 10 + split.labels[i]] = 1
  return { task: 'classification', inputShape: [28, 28, 1], targetSize: 10, train: inMemorySource(x, y, 784, 10), validation: null }
}

type Build = () => tf.LayersModel

const seedMlp: Build = () => compileModel(tf, buildTemplate('mnist-mlp', { inputShape: [28, 28, 1], classes: 10 }), { inputShape: [28, 28, 1] })
/** Odd widths (7, 10: not in fours), a linear layer without bias and a ReLU one: every fallback of the hand-written step. */
const oddChain: Build = () =>
  tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 12, activation: 'linear', useBias: false }),
      tf.layers.dense({ units: 7, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' })
    ]
  })

/** Two copies of a model with the same starting weights, each in buffers of its own. */
function twins(build: Build): [tf.LayersModel, tf.LayersModel] {
  const a = build()
  const b = build()
  const copies = a.getWeights().map((w) => tf.tensor(w.dataSync(), w.shape))
  b.setWeights(copies)
  tf.dispose(copies)
  return [a, b]
}

interface Run {
  losses: number[]
  accuracy: number[]
  weights: Float32Array[]
}

async function run(model: tf.LayersModel, data: TrainingData, optimizer: 'adam' | 'sgd', generalStep: boolean): Promise<Run> {
  const cfg = TrainConfig.parse({ optimizer, momentum: 0.9, learningRate: optimizer === 'adam' ? 0.003 : 0.05, epochs: 3, batchSize: 32, seed: 7 })
  const opt = makeOptimizer(tf, cfg)
  const losses: number[] = []
  const accuracy: number[] = []
  try {
    await train(tf, model, opt, data, cfg, {
      generalStep,
      onBatch: (b) => losses.push(b.loss),
      onEpoch: (e) => void accuracy.push(e.metrics.acc)
    })
  } finally {
    opt.dispose()
  }
  return { losses, accuracy, weights: model.getWeights().map((w) => w.dataSync() as Float32Array) }
}

function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length)
  let d = 0
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]))
  return d
}

describe('the hand-written dense step', () => {
  const data = mnist(498)
  for (const [title, build] of [['the seed MLP', seedMlp], ['a chain of odd widths, a bias-less linear layer and a ReLU', oddChain]] as const) {
    for (const optimizer of ['adam', 'sgd'] as const) {
      it(`trains ${title} with ${optimizer} as tfjs-core's autodiff does: the same loss at every batch, the same weights`, async () => {
        const [fast, general] = twins(build)
        expect(denseStackStep(tf, fast, makeOptimizer(tf, TrainConfig.parse({ optimizer })))).not.toBeNull()
        const before = tf.memory()
        const a = await run(fast, data, optimizer, false)
        const afterFast = tf.memory()
        const b = await run(general, data, optimizer, true)
        const afterGeneral = tf.memory()
        expect(a.losses.length).toBe(3 * 16)
        // It learns: the last batch's loss is well below the first's.
        expect(a.losses[a.losses.length - 1]).toBeLessThan(a.losses[0] * 0.8)
        expect(largestDifference(a.losses, b.losses)).toBeLessThan(1e-4)
        expect(largestDifference(a.accuracy, b.accuracy)).toBeLessThan(1e-6)
        a.weights.forEach((w, i) => expect(largestDifference(w, b.weights[i])).toBeLessThan(1e-4))
        // It leaves behind what the general step leaves (the optimiser's step counter), nothing more.
        expect(afterFast.numTensors - before.numTensors).toBe(afterGeneral.numTensors - afterFast.numTensors)
        expect(afterFast.numDataBuffers - before.numDataBuffers).toBe(afterGeneral.numDataBuffers - afterFast.numDataBuffers)
        fast.dispose()
        general.dispose()
      })
    }
  }

  it('keeps memory flat over many steps', async () => {
    const model = seedMlp()
    const cfg = TrainConfig.parse({ optimizer: 'adam', epochs: 1, batchSize: 32 })
    const opt = makeOptimizer(tf, cfg)
    const heap: number[] = []
    await train(tf, model, opt, mnist(32 * 300), cfg, { onBatch: (b) => b.batch % 50 === 0 && heap.push(tf.memory().numBytes) })
    opt.dispose()
    model.dispose()
    expect(new Set(heap.slice(1)).size).toBe(1)
  })

  it('is not used for models it does not cover: they keep the general step', () => {
    const opt = makeOptimizer(tf, TrainConfig.parse({ optimizer: 'adam' }))
    const chain = (layers: tf.layers.Layer[]) => tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }), ...layers] })
    const cases: Array<[string, tf.LayersModel, boolean]> = [
      ['softmax head', chain([tf.layers.dense({ units: 3, activation: 'softmax' })]), true],
      ['the 3-layer MLP template', compileModel(tf, buildTemplate('mlp-3layer', { inputShape: [784], classes: 10 }), { inputShape: [784] }), true],
      ['dropout', chain([tf.layers.dropout({ rate: 0.5 }), tf.layers.dense({ units: 3, activation: 'softmax' })]), false],
      ['a sigmoid hidden layer', chain([tf.layers.dense({ units: 4, activation: 'sigmoid' }), tf.layers.dense({ units: 3, activation: 'softmax' })]), false],
      ['a linear (regression) head', chain([tf.layers.dense({ units: 1 })]), false],
      ['a kernel regularizer', chain([tf.layers.dense({ units: 3, activation: 'softmax', kernelRegularizer: tf.regularizers.l2() })]), false],
      ['batch normalization', chain([tf.layers.batchNormalization(), tf.layers.dense({ units: 3, activation: 'softmax' })]), false],
      ['a Dense layer on images without a Flatten (it works on the last axis)', tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [5, 4], activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })] }), false],
      ['the seed CNN', compileModel(tf, buildTemplate('mnist-cnn', { inputShape: [28, 28, 1], classes: 10 }), { inputShape: [28, 28, 1] }), false]
    ]
    for (const [title, model, covered] of cases) {
      expect([title, denseStackStep(tf, model, opt) !== null]).toEqual([title, covered])
      model.dispose()
    }
    const frozen = chain([tf.layers.dense({ units: 3, activation: 'softmax' })])
    frozen.layers[0].trainable = false
    expect(denseStackStep(tf, frozen, opt)).toBeNull()
    opt.dispose()
  })
})
