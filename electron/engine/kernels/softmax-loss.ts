/**
 * Softmax and categorical cross-entropy as one step, from the output layer's logits, as Keras computes them: the loss
 * of each sample is log Σ exp(z) − Σ y·z, its gradient softmax(z)·Σy − y, and both (with the batch's correct
 * predictions) come out of one loop over the batch's few logits. Written as separate kernels (softmax, clip, log,
 * multiply, sum, negate, and their gradients, then argmax and equal for the accuracy) they are a fifth of a small
 * model's training step on the CPU, spent launching kernels on a few hundred numbers.
 *
 * Used where reading a tensor is cheap (the wasm and cpu backends hold it in memory); GPU backends keep the kernels.
 */
import type * as tfType from '@tensorflow/tfjs'

type Tf = typeof tfType

/** The part of a layer this module reads and swaps: its activation, by class name. */
interface ActivatedLayer {
  activation?: { getClassName(): string }
}

/** The model's output layer when it ends in softmax (a Dense or Activation layer), and reading tensors is cheap; else null. */
export function softmaxOutputLayer(tf: Tf, model: tfType.LayersModel): ActivatedLayer | null {
  if (tf.getBackend() !== 'wasm' && tf.getBackend() !== 'cpu') return null
  if (model.outputs.length !== 1) return null
  const last = model.layers[model.layers.length - 1] as unknown as ActivatedLayer
  const producesOutput = (model.outputs[0] as unknown as { sourceLayer: unknown }).sourceLayer === last
  return producesOutput && last.activation?.getClassName() === 'softmax' ? last : null
}

let linear: ActivatedLayer['activation'] | null = null

/** The model's output before its softmax: the output layer runs once with a linear activation instead. */
export function applyForLogits(tf: Tf, model: tfType.LayersModel, layer: ActivatedLayer, x: tfType.Tensor): tfType.Tensor {
  linear ??= (tf.layers.activation({ activation: 'linear' }) as unknown as ActivatedLayer).activation
  const softmax = layer.activation
  layer.activation = linear as ActivatedLayer['activation']
  try {
    return model.apply(x, { training: true }) as tfType.Tensor
  } finally {
    layer.activation = softmax
  }
}

/** Softmax of each row of logits [n, k], the per-sample cross-entropy against `y`, each row's label sum, and the correct predictions. */
export interface SoftmaxRows {
  probs: Float32Array
  perSample: Float32Array
  labelSums: Float32Array
  correct: number
}

/** {@link SoftmaxRows} of logits and labels (one-hot, or any rows of weights), both [n, k] row-major. */
export function softmaxRows(logit: ArrayLike<number>, y: ArrayLike<number>, n: number, k: number): SoftmaxRows {
  const probs = new Float32Array(n * k)
  const perSample = new Float32Array(n)
  const labelSums = new Float32Array(n)
  let correct = 0
  for (let i = 0; i < n; i++) {
    const row = i * k
    let max = -Infinity
    let best = 0
    let target = 0
    for (let j = 0; j < k; j++) {
      if (logit[row + j] > max) {
        max = logit[row + j]
        best = j
      }
      if (y[row + j] > y[row + target]) target = j
    }
    let sum = 0
    for (let j = 0; j < k; j++) sum += probs[row + j] = Math.exp(logit[row + j] - max)
    const logSum = max + Math.log(sum)
    let value = 0
    let labelSum = 0
    for (let j = 0; j < k; j++) {
      probs[row + j] /= sum
      value += y[row + j] * (logSum - logit[row + j])
      labelSum += y[row + j]
    }
    perSample[i] = value
    labelSums[i] = labelSum
    if (best === target) correct++
  }
  return { probs, perSample, labelSums, correct }
}

/** The loss's gradient to the logits, scaled per sample by `d` (each sample's share of the batch loss): d·(softmax·Σy − y). */
export function softmaxGradient(rows: SoftmaxRows, y: ArrayLike<number>, d: (i: number) => number, out: Float32Array, n: number, k: number): void {
  const { probs, labelSums } = rows
  for (let i = 0; i < n; i++) {
    const di = d(i)
    for (let j = 0; j < k; j++) out[i * k + j] = di * (probs[i * k + j] * labelSums[i] - y[i * k + j])
  }
}

/**
 * Per-sample categorical cross-entropy of softmax(logits) against `labels` (one-hot, or any rows of weights), shape
 * [n], with a gradient to the logits; and how many samples' largest logit is their label's largest value.
 */
export function softmaxCrossEntropy(tf: Tf, logits: tfType.Tensor, labels: tfType.Tensor): { perSample: tfType.Tensor1D; correct: number } {
  const [n, k] = logits.shape as [number, number]
  const y = labels.dataSync()
  let correct = 0
  const forward = (z: tfType.Tensor) => {
    const rows = softmaxRows(z.dataSync(), y, n, k)
    correct = rows.correct
    return {
      value: tf.tensor1d(rows.perSample),
      gradFunc: (dy: tfType.Tensor) => {
        const d = dy.dataSync()
        const grad = new Float32Array(n * k)
        softmaxGradient(rows, y, (i) => d[i], grad, n, k)
        return tf.tensor2d(grad, [n, k])
      }
    }
  }
  // customGrad's typing also passes a save function, which this forward does not need.
  const loss = tf.customGrad(forward as unknown as Parameters<Tf['customGrad']>[0])
  return { perSample: loss(logits) as tfType.Tensor1D, correct }
}
