import type * as tfType from '@tensorflow/tfjs'
import type { TrainConfig } from '../../../common/contract'
import type { ExpandedSpec } from '../../../common/model/bases'
import { hasLayerFlag } from '../../../common/model/catalog'
import { wantsAugmentation } from './augment'
import { inMemorySource, type BatchSource, type TrainingData } from './data-source'

type Tf = typeof tfType

/** A model split at the output of its frozen base: the base runs once per image, the head is what trains. */
export interface FrozenSplit {
  /** Input → the base's cut layer (shares its layers with the whole model). */
  base: tfType.LayersModel
  /** Base features → the model's output (shares its layers, so training it trains the whole model). */
  head: tfType.LayersModel
  featureShape: number[]
}

/** Above this many bytes of features, the base runs per batch instead of being cached. */
const CACHE_LIMIT_BYTES = 1 << 30

/**
 * Splits a model at its pretrained base when the whole part before and including the base is fixed: every layer
 * with weights frozen, no random augmentation layer, and nothing after the base reading from before it.
 * Null when the model has no such base (no base, a base being fine-tuned, two bases).
 */
export function splitAtFrozenBase(tf: Tf, model: tfType.LayersModel, expanded: ExpandedSpec): FrozenSplit | null {
  const cuts = Object.values(expanded.outputs)
  if (cuts.length !== 1) return null
  const cut = cuts[0]
  const { spec } = expanded
  const sources = (id: string) => spec.edges.filter((e) => e.target === id).map((e) => e.source)
  const upstream = new Set<string>()
  const stack = [cut]
  while (stack.length) {
    const id = stack.pop()!
    if (upstream.has(id)) continue
    upstream.add(id)
    stack.push(...sources(id))
  }
  for (const id of upstream) {
    const layer = model.layers.find((l) => l.name === id)
    const node = spec.nodes.find((n) => n.id === id)!
    if (hasLayerFlag(node.type, 'augmentation')) return null
    if (layer && layer.trainable && layer.countParams() > 0) return null
  }
  const tensors = new Map<string, tfType.SymbolicTensor>()
  const featureShape = (model.getLayer(cut).output as tfType.SymbolicTensor).shape.slice(1) as number[]
  const features = tf.input({ shape: featureShape, name: `${cut}_features` })
  tensors.set(cut, features)
  const order = model.layers.map((l) => l.name).filter((name) => !upstream.has(name))
  for (const name of order) {
    const inputs = sources(name)
    if (inputs.some((s) => upstream.has(s) && s !== cut)) return null
    const applied = inputs.map((s) => tensors.get(s)!)
    tensors.set(name, model.getLayer(name).apply(applied.length === 1 ? applied[0] : applied) as tfType.SymbolicTensor)
  }
  const outputName = model.outputs[0].sourceLayer.name
  return {
    base: tf.model({ inputs: model.inputs, outputs: model.getLayer(cut).output as tfType.SymbolicTensor }),
    head: tf.model({ inputs: features, outputs: tensors.get(outputName)! }),
    featureShape
  }
}

/** How a frozen base's features reach the head: computed once and kept, or per batch (augmented images differ every epoch). */
export interface FeatureData {
  data: TrainingData
  mode: 'cached' | 'per-batch'
  /** Images passed through the base so far (grows per batch in per-batch mode). */
  baseForwardItems: () => number
}

async function* mapBatches(tf: Tf, base: tfType.LayersModel, source: BatchSource, inputShape: number[], batchSize: number, seed: number | null, count: (n: number) => void) {
  for await (const b of source.batches(batchSize, seed)) {
    const out = tf.tidy(() => base.predict(tf.tensor(b.x, [b.n, ...inputShape])) as tfType.Tensor)
    const x = (await out.data()) as Float32Array
    out.dispose()
    count(b.n)
    yield { x, y: b.y, n: b.n }
  }
}

async function cache(tf: Tf, base: tfType.LayersModel, source: BatchSource, data: TrainingData, featureSize: number, count: (n: number) => void): Promise<BatchSource> {
  const x = new Float32Array(source.size * featureSize)
  const y = new Float32Array(source.size * data.targetSize)
  let offset = 0
  for await (const b of mapBatches(tf, base, source, data.inputShape, 64, null, count)) {
    x.set(b.x, offset * featureSize)
    y.set(b.y, offset * data.targetSize)
    offset += b.n
  }
  return inMemorySource(x, y, featureSize, data.targetSize)
}

/**
 * The training data as the head of a {@link FrozenSplit} sees it: base features instead of images. Without
 * augmentation every image goes through the base once and its features are kept; with augmentation each epoch's
 * images differ, so training images go through the base per batch (in inference mode, no gradients) and only the
 * validation split is cached.
 */
export async function frozenBaseFeatures(tf: Tf, split: FrozenSplit, data: TrainingData, config: TrainConfig): Promise<FeatureData> {
  let forwarded = 0
  const count = (n: number): void => {
    forwarded += n
  }
  const featureSize = split.featureShape.reduce((a, b) => a * b, 1)
  const fits = (data.train.size + (data.validation?.size ?? 0)) * featureSize * 4 <= CACHE_LIMIT_BYTES
  const perBatch = wantsAugmentation(config.augmentation) || !fits
  const validation = data.validation ? await cache(tf, split.base, data.validation, data, featureSize, count) : null
  const train: BatchSource = perBatch
    ? { size: data.train.size, batches: (batchSize, seed) => mapBatches(tf, split.base, data.train, data.inputShape, batchSize, seed, count) }
    : await cache(tf, split.base, data.train, data, featureSize, count)
  return { data: { ...data, inputShape: split.featureShape, train, validation }, mode: perBatch ? 'per-batch' : 'cached', baseForwardItems: () => forwarded }
}
