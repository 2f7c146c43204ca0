import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../../../common/random'
import { applyForLogits, softmaxCrossEntropy, softmaxOutputLayer } from './softmax-loss'
import { startWasmBackend } from './threads'

beforeAll(async () => {
  expect((await startWasmBackend(tf)).started).toBe(true)
})

function values(n: number, seed: number, scale: number): Float32Array {
  const random = seededRandom(seed)
  return Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale)
}

/** Six samples over five classes: one-hot rows, a row of soft labels, and logits large enough to saturate a softmax. */
const LABELS = tf.tidy(() => tf.tensor2d([[1, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 1], [0, 1, 0, 0, 0], [0.2, 0.3, 0, 0.5, 0], [0, 0, 0, 1, 0]]))

describe.each(['wasm', 'cpu'] as const)('softmaxCrossEntropy on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true)
  })

  it.each([1, 40])('matches −Σ y·log softmax(z), its gradient and the argmax accuracy (logits up to ±%i)', (scale) => {
    const labels = tf.tensor2d(LABELS.arraySync())
    const logits = tf.tensor2d(values(30, scale, scale), [6, 5])
    const weights = tf.tensor1d(values(6, 7, 1).map(Math.abs))
    const fused = (z: tf.Tensor) => tf.sum(tf.mul(softmaxCrossEntropy(tf, z, labels).perSample, weights))
    const reference = (z: tf.Tensor) => tf.sum(tf.mul(tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(z)), -1)), weights))
    expect(fused(logits).dataSync()[0]).toBeCloseTo(reference(logits).dataSync()[0], 3)
    const [g, gRef] = [tf.grad(fused)(logits).dataSync(), tf.grad(reference)(logits).dataSync()]
    g.forEach((v, i) => expect(v).toBeCloseTo(gRef[i], 5))
    const argmaxHits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), tf.argMax(labels, -1)), 'int32')).dataSync()[0]
    expect(softmaxCrossEntropy(tf, logits, labels).correct).toBe(argmaxHits)
    tf.dispose([labels, logits, weights])
  })

  it('is used for a model ending in softmax, which keeps its softmax for predictions', () => {
    const input = tf.input({ shape: [4] })
    const hidden = tf.layers.dense({ units: 8, activation: 'relu' }).apply(input) as tf.SymbolicTensor
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, activation: 'softmax' }).apply(hidden) as tf.SymbolicTensor })
    const layer = softmaxOutputLayer(tf, model)
    expect(layer).not.toBeNull()
    const x = tf.tensor2d(values(8, 3, 1), [2, 4])
    const logits = applyForLogits(tf, model, layer!, x)
    const probabilities = model.predict(x) as tf.Tensor
    expect(Array.from(tf.softmax(logits).dataSync()).map((p) => p.toFixed(5))).toEqual(Array.from(probabilities.dataSync()).map((p) => p.toFixed(5)))
    expect(Array.from(tf.sum(probabilities, -1).dataSync()).map((s) => s.toFixed(5))).toEqual(['1.00000', '1.00000'])
    const regression = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] })
    expect(softmaxOutputLayer(tf, regression)).toBeNull()
    tf.dispose([x, logits, probabilities])
    model.dispose()
    regression.dispose()
  })
})
