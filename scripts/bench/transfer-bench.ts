import type * as TfModule from '@tensorflow/tfjs'
import { TrainConfig } from '../../common/contract'
import { expandBases, type BaseInfo } from '../../common/model/bases'
import { MODEL_FORMAT, type ModelSpec } from '../../common/model/spec'
import { readLayersModel } from '../../electron/store/bases'
import { selectBackend } from '../../electron/engine/process/backends'
import { compileModel } from '../../electron/engine/train/compile-model'
import { inMemorySource, type TrainingData } from '../../electron/engine/data/data-source'
import { frozenBaseFeatures, splitAtFrozenBase } from '../../electron/engine/data/feature-cache'
import { makeOptimizer, train } from '../../electron/engine/train/trainer'

type Tf = typeof TfModule

/** Epoch times of a head on a frozen base, trained through the whole model each batch and on cached features. */
export interface TransferBenchResult {
  backend: string
  images: number
  /** Mean seconds per epoch with the base run on every batch (frozen, so only the head's weights change). */
  uncachedEpochSeconds: number
  /** Seconds to run every image through the base once. */
  cacheSeconds: number
  /** Mean seconds per epoch on the cached features. */
  cachedEpochSeconds: number
}

function randomImages(n: number, shape: number[]): TrainingData {
  const size = shape.reduce((a, b) => a * b, 1)
  const x = new Float32Array(n * size)
  const y = new Float32Array(n * 2)
  let s = 12345
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    x[i] = s / 2 ** 32
  }
  for (let i = 0; i < n; i++) y[i * 2 + (i % 2)] = 1
  return { task: 'classification', inputShape: shape, targetSize: 2, train: inMemorySource(x, y, size, 2), validation: null }
}

async function epochSeconds(tf: Tf, model: TfModule.LayersModel, data: TrainingData, config: TrainConfig): Promise<number> {
  const optimizer = makeOptimizer(tf, config)
  const seconds: number[] = []
  try {
    await train(tf, model, optimizer, data, config, { onEpoch: (e) => void seconds.push(e.seconds) })
  } finally {
    optimizer.dispose()
  }
  // The first epoch warms kernels up; the rest are the steady state.
  const steady = seconds.slice(1)
  return steady.reduce((a, b) => a + b, 0) / steady.length
}

/**
 * Trains a Dense head on a frozen pretrained base (a TF.js layers model folder) for a few epochs on random images,
 * once through the whole model on every batch and once on features the base computed once, and times both.
 */
export async function benchTransfer(baseFolder: string, opts: { backend: 'wasm' | 'cpu'; images: number; epochs: number }): Promise<TransferBenchResult> {
  const tf: Tf = await import('@tensorflow/tfjs')
  const choice = await selectBackend(opts.backend, (r) => r.key)
  if (choice.backend !== opts.backend) throw new Error(`backend ${opts.backend} did not start`)
  const { manifest, weights, info: reading } = readLayersModel(baseFolder)
  const info: BaseInfo = { id: 'base-000000000000', name: 'bench', sha256: '', ...reading }
  const baseModel = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: manifest.modelTopology as object, weightSpecs: manifest.weightsManifest[0].weights as TfModule.io.WeightsManifestEntry[], weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer })
  )
  const node = (id: string, type: string, params: Record<string, string | number | number[]>) => ({ id, type, params, position: { x: 0, y: 0 } })
  const spec: ModelSpec = {
    format: MODEL_FORMAT,
    task: { kind: 'classification', classes: 2 },
    nodes: [node('image', 'Input', { shape: info.inputShape }), node('base', 'PretrainedBase', { base: info.id }), node('out', 'Dense', { units: 2, activation: 'softmax' })],
    edges: [
      { id: 'e1', source: 'image', target: 'base' },
      { id: 'e2', source: 'base', target: 'out' }
    ]
  }
  const config = TrainConfig.parse({ epochs: opts.epochs, batchSize: 32, optimizer: 'adam', learningRate: 0.001, backend: opts.backend })
  const data = randomImages(opts.images, info.inputShape)
  const model = compileModel(tf, spec, { bases: { [info.id]: { info, model: baseModel } } })
  try {
    const uncachedEpochSeconds = await epochSeconds(tf, model, data, config)
    const split = splitAtFrozenBase(tf, model, expandBases(spec, { [info.id]: info }))
    if (!split) throw new Error('the frozen base was not split off')
    const started = performance.now()
    const features = await frozenBaseFeatures(tf, split, data, config)
    const cacheSeconds = (performance.now() - started) / 1000
    const cachedEpochSeconds = await epochSeconds(tf, split.head, features.data, config)
    return { backend: opts.backend, images: opts.images, uncachedEpochSeconds, cacheSeconds, cachedEpochSeconds }
  } finally {
    model.dispose()
    baseModel.dispose()
  }
}
