import type * as tfType from '@tensorflow/tfjs'
import type { Metrics, TrainConfig } from '../../../common/contract'
import { StrataError } from '../../../common/errors'
import type { BatchSource, TrainingData } from '../data/data-source'
import { applyForLogits, denseStackStep, fusedAdam, softmaxCrossEntropy, softmaxOutputLayer } from '../kernels'
import { TASK_METRICS, balancedClassWeights, metricSum, perSampleLoss, sampleWeights } from './losses'
import type { TrainingState } from './checkpoint-artifacts'
import { seedMathRandom } from './seeded-random'

type Tf = typeof tfType

/** Live progress within an epoch. */
export interface BatchInfo {
  epoch: number
  batch: number
  batches: number
  step: number
  loss: number
  samplesPerSecond: number
  etaSeconds: number
}

/** A finished epoch with every metric (training and validation). */
export interface EpochInfo {
  epoch: number
  metrics: Metrics
  learningRate: number
  seconds: number
  improved: boolean
  state: TrainingState
}

/** Why a training loop ended. */
export type TrainEnd = { reason: 'completed' | 'stopped' | 'early-stopped'; epoch: number; bestEpoch: number }

/** Callbacks and controls of {@link train}. */
export interface TrainHooks {
  onBatch?: (info: BatchInfo) => void
  /** Called after each epoch; awaited, so checkpoints can be written before training goes on. */
  onEpoch?: (info: EpochInfo) => Promise<void> | void
  /** Aborting stops the run after the current batch. */
  signal?: AbortSignal
  /** Resolves when training may continue (pause support); checked before every batch. */
  waitIfPaused?: () => Promise<void>
  /** Resume from this state (the epoch it holds is done). */
  resumeFrom?: TrainingState
  /** Train every model through tfjs-core's autodiff, even one the hand-written dense step could train (for comparisons). */
  generalStep?: boolean
}

/** Lets timers and messages (pause, stop) run: awaiting tensor data alone only drains microtasks. */
function yieldToEventLoop(): Promise<void> {
  // Node's setImmediate in the CPU engine; the GPU engine's browser Worker has none (nor its type).
  const { setImmediate } = globalThis as { setImmediate?: (callback: () => void) => unknown }
  return new Promise((resolve) => (setImmediate ? setImmediate(resolve) : setTimeout(resolve, 0)))
}

/** Builds the optimiser a config asks for. */
export function makeOptimizer(tf: Tf, config: TrainConfig): tfType.Optimizer {
  switch (config.optimizer) {
    case 'sgd':
      return config.momentum > 0 ? tf.train.momentum(config.learningRate, config.momentum) : tf.train.sgd(config.learningRate)
    case 'rmsprop':
      return tf.train.rmsprop(config.learningRate)
    case 'adam':
      // Adam's arithmetic and state, in one loop per variable on wasm (see fusedAdam).
      return fusedAdam(tf, config.learningRate)
  }
}

function setLearningRate(optimizer: tfType.Optimizer, lr: number): void {
  // Every TF.js optimiser reads its public `learningRate` field on each step.
  ;(optimizer as unknown as { learningRate: number }).learningRate = lr
}

/** Mean loss and metric of a model over a split, in inference mode. */
export async function evaluateSplit(tf: Tf, model: tfType.LayersModel, data: TrainingData, source: BatchSource, batchSize: number): Promise<Metrics> {
  let lossSum = 0
  let metricTotal = 0
  let n = 0
  for await (const batch of source.batches(batchSize, null)) {
    const [l, m] = tf.tidy(() => {
      const x = tf.tensor(batch.x, [batch.n, ...data.inputShape])
      const y = tf.tensor2d(batch.y, [batch.n, data.targetSize])
      const pred = model.predict(x) as tfType.Tensor
      return [tf.sum(perSampleLoss(tf, data.task, y, pred)), metricSum(tf, data.task, y, pred)]
    })
    lossSum += (await l.data())[0]
    metricTotal += (await m.data())[0]
    tf.dispose([l, m])
    n += batch.n
  }
  const [lossName, metricName] = TASK_METRICS[data.task]
  return n === 0 ? {} : { [lossName]: lossSum / n, [metricName]: metricTotal / n }
}

function improvedOver(monitor: string, value: number, best: number | null): boolean {
  if (best === null) return true
  const higherIsBetter = /acc/.test(monitor)
  return higherIsBetter ? value > best : value < best
}

/**
 * Makes every frozen (non-trainable) BatchNormalization layer run in inference mode while training, as Keras does:
 * it normalises with the statistics it was imported with and does not move them. TF.js would otherwise update a
 * frozen layer's moving mean and variance from each batch, so a partly fine-tuned base would drift from its import.
 */
export function holdFrozenNormalization(model: tfType.LayersModel): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization' || layer.trainable) continue
    const call = layer.call.bind(layer)
    layer.call = (inputs, kwargs) => call(inputs, { ...kwargs, training: false })
  }
}

/**
 * Trains a model on a dataset with a custom loop: seeded shuffling, class weights, validation each epoch, early
 * stopping, reduce-LR-on-plateau, pause/stop between batches, and a NaN/Inf guard that stops with advice.
 * Leaves no tensors behind apart from the model's and optimiser's own variables.
 */
export async function train(tf: Tf, model: tfType.LayersModel, optimizer: tfType.Optimizer, data: TrainingData, config: TrainConfig, hooks: TrainHooks = {}): Promise<TrainEnd> {
  const batches = Math.ceil(data.train.size / config.batchSize)
  const weights =
    config.classWeights === 'balanced' && data.classCounts && data.task !== 'regression' ? balancedClassWeights(data.classCounts) : null
  const monitor = config.earlyStopping.monitor
  const state: TrainingState = hooks.resumeFrom
    ? { ...hooks.resumeFrom }
    : { epoch: 0, step: 0, learningRate: config.learningRate, bestValue: null, bestEpoch: 0, epochsWithoutImprovement: 0, epochsWithoutLrImprovement: 0 }
  setLearningRate(optimizer, state.learningRate)
  holdFrozenNormalization(model)
  const started = Date.now()
  let samplesSeen = 0

  // Classification into a softmax: loss, gradient and accuracy from the logits in one step (see kernels/softmax-loss.ts).
  const softmaxOutput = data.task === 'classification' ? softmaxOutputLayer(tf, model) : null
  // A chain of Dense layers into that softmax, unweighted: each step written out at the backend's level (dense-step.ts).
  const denseStep = softmaxOutput && !weights && !hooks.generalStep ? denseStackStep(tf, model, optimizer) : null
  let restoreRandom = (): void => undefined
  try {
    for (let epoch = state.epoch + 1; epoch <= config.epochs; epoch++) {
      // Dropout masks and augmentation draw from the run's seed, a stream per epoch (see seeded-random.ts).
      restoreRandom()
      restoreRandom = seedMathRandom(config.seed, epoch)
      const epochStart = Date.now()
      let lossSum = 0
      let metricTotal = 0
      let seen = 0
      let batch = 0
      // A different, recorded shuffle for every epoch, the same on every machine.
      for await (const b of data.train.batches(config.batchSize, config.seed * 10_007 + epoch)) {
        await yieldToEventLoop()
        await hooks.waitIfPaused?.()
        if (hooks.signal?.aborted) return { reason: 'stopped', epoch: state.epoch, bestEpoch: state.bestEpoch }
        let loss: number
        let metric: number
        if (denseStep) {
          ;({ loss, correct: metric } = denseStep.step(b.x, b.y, b.n))
        } else {
          const x = tf.tensor(b.x, [b.n, ...data.inputShape])
          const y = tf.tensor2d(b.y, [b.n, data.targetSize])
          let metricOut: tfType.Scalar | null = null
          let correct = 0
          const lossOut = optimizer.minimize(() => {
            let perSample: tfType.Tensor1D
            if (softmaxOutput) {
              const fused = softmaxCrossEntropy(tf, applyForLogits(tf, model, softmaxOutput, x), y)
              perSample = fused.perSample
              correct = fused.correct
            } else {
              const pred = model.apply(x, { training: true }) as tfType.Tensor
              metricOut = tf.keep(metricSum(tf, data.task, y, pred))
              perSample = perSampleLoss(tf, data.task, y, pred)
            }
            return weights ? tf.mean(tf.mul(perSample, sampleWeights(tf, data.task, y, weights))) : tf.mean(perSample)
          }, true) as tfType.Scalar
          loss = (await lossOut.data())[0]
          metric = metricOut ? (await (metricOut as tfType.Scalar).data())[0] : correct
          tf.dispose([x, y, lossOut, ...(metricOut ? [metricOut as tfType.Scalar] : [])])
        }
        if (!Number.isFinite(loss)) {
          throw new StrataError('TRAINING_DIVERGED', { epoch, learningRate: state.learningRate })
        }
        batch++
        state.step++
        seen += b.n
        samplesSeen += b.n
        lossSum += loss * b.n
        metricTotal += metric
        const elapsed = (Date.now() - started) / 1000
        const rate = samplesSeen / Math.max(elapsed, 1e-3)
        const remaining = (config.epochs - epoch) * data.train.size + (data.train.size - seen)
        hooks.onBatch?.({ epoch, batch, batches, step: state.step, loss, samplesPerSecond: rate, etaSeconds: remaining / rate })
      }

      const [lossName, metricName] = TASK_METRICS[data.task]
      const metrics: Metrics = { [lossName]: lossSum / Math.max(seen, 1), [metricName]: metricTotal / Math.max(seen, 1) }
      if (data.validation && data.validation.size > 0) {
        const val = await evaluateSplit(tf, model, data, data.validation, Math.max(config.batchSize, 256))
        for (const [k, v] of Object.entries(val)) metrics[`val_${k}`] = v
      }
      const current = metrics[monitor] ?? metrics[monitor.replace(/^val_/, '')]
      const improved = current !== undefined && improvedOver(monitor, current, state.bestValue)
      if (improved) {
        state.bestValue = current
        state.bestEpoch = epoch
        state.epochsWithoutImprovement = 0
        state.epochsWithoutLrImprovement = 0
      } else {
        state.epochsWithoutImprovement++
        state.epochsWithoutLrImprovement++
      }
      state.epoch = epoch
      const lrUsed = state.learningRate
      const rlr = config.reduceLrOnPlateau
      if (rlr.enabled && state.epochsWithoutLrImprovement >= rlr.patience && state.learningRate > rlr.minLearningRate) {
        state.learningRate = Math.max(rlr.minLearningRate, state.learningRate * rlr.factor)
        state.epochsWithoutLrImprovement = 0
        setLearningRate(optimizer, state.learningRate)
      }
      const seconds = (Date.now() - epochStart) / 1000
      // The state a checkpoint saves carries the history up to this epoch (a repeated epoch replaces its row).
      state.history = [...(state.history ?? []).filter((h) => h.epoch < epoch), { epoch, metrics, learningRate: lrUsed, seconds }]
      await hooks.onEpoch?.({ epoch, metrics, learningRate: lrUsed, seconds, improved, state: { ...state } })
      if (config.earlyStopping.enabled && state.epochsWithoutImprovement >= config.earlyStopping.patience) {
        return { reason: 'early-stopped', epoch, bestEpoch: state.bestEpoch }
      }
    }
  } finally {
    restoreRandom()
  }
  return { reason: 'completed', epoch: state.epoch, bestEpoch: state.bestEpoch }
}
