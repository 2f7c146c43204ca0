import type * as tfType from '@tensorflow/tfjs'
import type { Task } from '../../../common/data/preprocessing'
import { TASK_HEADS } from '../../../common/model/task'

type Tf = typeof tfType
const EPSILON = 1e-7

/** How the engine reports each metric a task head names (TF.js's `accuracy` is logged as `acc`, as tf.LayersModel.fit does). */
const METRIC_NAMES: Readonly<Record<string, string>> = { accuracy: 'acc', mae: 'mae' }

/** The metric names each task reports, from its head (training values; validation ones get a `val_` prefix). */
export const TASK_METRICS: Record<Task, readonly string[]> = {
  classification: metricsOf('classification'),
  binary: metricsOf('binary'),
  regression: metricsOf('regression')
}

function metricsOf(task: Task): readonly string[] {
  return ['loss', ...TASK_HEADS[task].metrics.tfjs.map((m) => METRIC_NAMES[m] ?? m)]
}

type LossFn = (tf: Tf, yTrue: tfType.Tensor, yPred: tfType.Tensor) => tfType.Tensor1D

/** The per-sample form of each loss a task head names by its TF.js name. */
const LOSSES: Readonly<Record<string, LossFn>> = {
  categoricalCrossentropy: (tf, yTrue, yPred) => {
    const p = tf.clipByValue(yPred, EPSILON, 1 - EPSILON)
    return tf.neg(tf.sum(tf.mul(yTrue, tf.log(p)), -1)) as tfType.Tensor1D
  },
  binaryCrossentropy: (tf, yTrue, yPred) => {
    const p = tf.clipByValue(yPred, EPSILON, 1 - EPSILON)
    const bce = tf.neg(tf.add(tf.mul(yTrue, tf.log(p)), tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p)))))
    return tf.mean(bce, -1) as tfType.Tensor1D
  },
  meanSquaredError: (tf, yTrue, yPred) => tf.mean(tf.square(tf.sub(yPred, yTrue)), -1) as tfType.Tensor1D
}

/**
 * Per-sample loss of a batch, shape [n], as the task's head names it (TASK_HEADS, the one place that says which loss
 * a task trains with): categorical cross-entropy on softmax outputs, binary cross-entropy on sigmoid outputs, or
 * mean squared error.
 */
export function perSampleLoss(tf: Tf, task: Task, yTrue: tfType.Tensor, yPred: tfType.Tensor): tfType.Tensor1D {
  const loss = LOSSES[TASK_HEADS[task].loss.tfjs]
  if (!loss) throw new Error(`no per-sample form of the loss ${TASK_HEADS[task].loss.tfjs}`)
  return tf.tidy(() => loss(tf, yTrue, yPred))
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
