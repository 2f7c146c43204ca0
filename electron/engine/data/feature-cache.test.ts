import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { TrainConfig } from '../../../common/contract'
import { expandBases, readBaseTopology, type BaseInfo } from '../../../common/model/bases'
import { MODEL_FORMAT, type ModelSpec } from '../../../common/model/spec'
import { compileModel } from '../train/compile-model'
import { inMemorySource, type TrainingData } from './data-source'
import { frozenBaseFeatures, splitAtFrozenBase } from './feature-cache'
import { makeOptimizer, train } from '../train/trainer'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** A small CNN standing in for a base, its description as Strata reads it, and a spec putting a head on it. */
async function setup(unfreeze: number): Promise<{ base: tf.LayersModel; info: BaseInfo; spec: ModelSpec }> {
  const base = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, activation: 'relu', name: 'conv' }),
      tf.layers.globalAveragePooling2d({ name: 'gap' }),
      tf.layers.dense({ units: 3, activation: 'softmax', name: 'top' })
    ]
  })
  const topology = await new Promise<object>((resolve) => void base.save(tf.io.withSaveHandler(async (a) => (resolve(a.modelTopology as object), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }))))
  const reading = readBaseTopology(topology)
  if (!reading.ok) throw new Error('unreadable')
  const info: BaseInfo = { id: 'base-00000000000a', name: 'tiny', sha256: '', ...reading.info }
  const node = (id: string, type: string, params: Record<string, string | number | number[]>) => ({ id, type, params, position: { x: 0, y: 0 } })
  const spec: ModelSpec = {
    format: MODEL_FORMAT,
    nodes: [node('in', 'Input', { shape: [8, 8, 3] }), node('b', 'PretrainedBase', { base: info.id, unfreeze }), node('out', 'Dense', { units: 2, activation: 'softmax' })],
    edges: [
      { id: 'e1', source: 'in', target: 'b' },
      { id: 'e2', source: 'b', target: 'out' }
    ]
  }
  return { base, info, spec }
}

function data(n: number): TrainingData {
  const x = new Float32Array(n * 192).map((_, i) => ((i * 7919) % 101) / 101)
  const y = new Float32Array(n * 2)
  for (let i = 0; i < n; i++) y[i * 2 + (i % 2)] = 1
  return { task: 'classification', inputShape: [8, 8, 3], targetSize: 2, train: inMemorySource(x, y, 192, 2), validation: inMemorySource(x.slice(0, 8 * 192), y.slice(0, 16), 192, 2) }
}

describe('training the head of a frozen base', () => {
  for (const augmented of [false, true]) {
    it(`augmentation=${augmented}: the base runs ${augmented ? 'per batch' : 'once per image'}, its weights stay, the head learns, no tensor is left behind`, async () => {
      const { base, info, spec } = await setup(0)
      const model = compileModel(tf, spec, { bases: { [info.id]: { info, model: base } } })
      const before = model.getLayer('b__conv').getWeights().map((w) => Array.from(w.dataSync()))
      const headBefore = model.getLayer('out').getWeights().map((w) => Array.from(w.dataSync()))
      const split = splitAtFrozenBase(tf, model, expandBases(spec, { [info.id]: info }))!
      expect(split.featureShape).toEqual([4])
      const config = TrainConfig.parse({ epochs: 3, batchSize: 8, learningRate: 0.05, augmentation: { flip: augmented } })
      const tensors = tf.memory().numTensors
      const features = await frozenBaseFeatures(tf, split, data(32), config)
      expect(features.mode).toBe(augmented ? 'per-batch' : 'cached')
      const optimizer = makeOptimizer(tf, config)
      await train(tf, split.head, optimizer, features.data, config)
      optimizer.dispose()
      // 32 training images and 8 validation ones: once each when cached, the training ones every epoch otherwise.
      expect(features.baseForwardItems()).toBe(augmented ? 8 + 3 * 32 : 8 + 32)
      expect(tf.memory().numTensors).toBe(tensors)
      expect(model.getLayer('b__conv').getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before)
      expect(model.getLayer('out').getWeights().map((w) => Array.from(w.dataSync()))).not.toEqual(headBefore)
      model.dispose()
      base.dispose()
    })
  }

  it('a base being fine-tuned is not split off: it trains whole', async () => {
    const { base, info, spec } = await setup(1)
    const model = compileModel(tf, spec, { bases: { [info.id]: { info, model: base } } })
    expect(splitAtFrozenBase(tf, model, expandBases(spec, { [info.id]: info }))).toBeNull()
    model.dispose()
    base.dispose()
  })
})
