import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { TrainConfig } from '../../../common/contract'
import { captureCheckpoint, modelFromArtifacts, restoreOptimizer } from './checkpoint-artifacts'
import { inMemorySource } from '../data/data-source'
import { makeOptimizer, train } from './trainer'

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true)
})

const STATE = { epoch: 2, step: 8, learningRate: 0.01, bestValue: 0.4, bestEpoch: 2, epochsWithoutImprovement: 0, epochsWithoutLrImprovement: 0 }

describe('checkpoint artifacts (what the GPU engine sends to be written)', () => {
  it('round-trip a trained model and its Adam state in memory, and capturing leaves no tensors behind', async () => {
    const config = TrainConfig.parse({ epochs: 2, batchSize: 10, optimizer: 'adam', learningRate: 0.01 })
    const x = new Float32Array(40).map((_, i) => Math.sin(i))
    const y = new Float32Array(20).map((_, i) => Math.cos(i))
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], activation: 'relu' }), tf.layers.dense({ units: 1 })] })
    const optimizer = makeOptimizer(tf, config)
    await train(tf, model, optimizer, { task: 'regression', inputShape: [2], targetSize: 1, train: inMemorySource(x, y, 2, 1), validation: null }, config)

    const before = tf.memory().numTensors
    const artifacts = await captureCheckpoint(tf, model, optimizer, STATE)
    await captureCheckpoint(tf, model, optimizer, STATE)
    expect(tf.memory().numTensors).toBe(before)

    const restored = await modelFromArtifacts(tf, artifacts)
    const restoredOptimizer = makeOptimizer(tf, config)
    expect(await restoreOptimizer(tf, artifacts, restoredOptimizer)).toEqual(STATE)
    const probe = tf.tensor2d([0.3, -0.2], [1, 2])
    const [a, b] = [model.predict(probe) as tf.Tensor, restored.predict(probe) as tf.Tensor]
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()))
    // Adam's moments came back too: the same next step from both.
    const names = (await restoredOptimizer.getWeights()).map((w) => w.name)
    expect(names.length).toBe((await optimizer.getWeights()).length)
    tf.dispose([probe, a, b])
    for (const m of [model, restored]) m.dispose()
    for (const o of [optimizer, restoredOptimizer]) o.dispose()
  })
})
