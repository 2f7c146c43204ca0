import type * as tfType from '@tensorflow/tfjs'
import type { Task } from '../../../common/data/preprocessing'

type Tf = typeof tfType
const EPSILON = 1e-7

/** The metric names each task reports (training values; validation ones get a `val_` prefix). */
export const TASK_METRICS: Record<Task, readonly string[]> = {
  classification: ['loss', 'acc'],
  binary: ['loss', 'acc'],
  regression: ['loss', 'mae']
}

/**
 * Per-sample loss of a batch, shape [n]: categorical cross-entropy on softmax outputs, binary cross-entropy on
 * sigmoid outputs, or mean squared error.
 */
export function perSampleLoss(tf: Tf, task: Task, yTrue: tfType.Tensor, yPred: tfType.Tensor): tfType.Tensor1D {
  return tf.tidy(() => {
    if (task === 'classification') {
      const p = tf.clipByValue(yPred, EPSILON, 1 - EPSILON)
      return tf.neg(tf.sum(tf.mul(yTrue, tf.log(p)), -1)) as tfType.Tensor1D
    }
    if (task === 'binary') {
      const p = tf.clipByValue(yPred, EPSILON, 1 - EPSILON)
      const bce = tf.neg(tf.add(tf.mul(yTrue, tf.log(p)), tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p)))))
      return tf.mean(bce, -1) as tfType.Tensor1D
    }
    return tf.mean(tf.square(tf.sub(yPred, yTrue)), -1) as tfType.Tensor1D
  })
}

/** Sum over the batch of the task's second metric (correct predictions, or absolute error), as a scalar. */
export function metricSum(tf: Tf, task: Task, yTrue: tfType.Tensor, yPred: tfType.Tensor): tfType.Scalar {
  return tf.tidy(() => {
    if (task === 'classification') return tf.sum(tf.cast(tf.equal(tf.argMax(yTrue, -1), tf.argMax(yPred, -1)), 'float32')) as tfType.Scalar
    if (task === 'binary') {
      const hits = tf.equal(tf.greaterEqual(yPred, 0.5), tf.greaterEqual(yTrue, 0.5))
      return tf.div(tf.sum(tf.cast(hits, 'float32')), yTrue.shape[1] ?? 1) as tfType.Scalar
    }
    return tf.div(tf.sum(tf.abs(tf.sub(yPred, yTrue))), yTrue.shape[1] ?? 1) as tfType.Scalar
  })
}

/** Per-sample weights [n] from per-class weights, for one-hot (classification) or 0/1 (binary) targets. */
export function sampleWeights(tf: Tf, task: Task, yTrue: tfType.Tensor, classWeights: number[]): tfType.Tensor1D {
  return tf.tidy(() => {
    const w = tf.tensor1d(classWeights)
    const cls = task === 'classification' ? tf.argMax(yTrue, -1) : tf.cast(tf.greaterEqual(tf.squeeze(yTrue, [-1]), 0.5), 'int32')
    return tf.gather(w, cls) as tfType.Tensor1D
  })
}

/** "Balanced" class weights: n / (classes × count), so every class counts as much in the loss. */
export function balancedClassWeights(counts: number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0)
  return counts.map((c) => (c > 0 ? total / (counts.length * c) : 0))
}
