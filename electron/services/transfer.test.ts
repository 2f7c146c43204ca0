import fs from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventName, ExportRecord, RunDetail, RunSummary } from '../../common/contract'
import type { BaseInfo } from '../../common/model/bases'
import type { ModelSpec } from '../../common/model/spec'
import { loadModel } from '../engine/train/checkpoint'
import { loadBaseModel } from '../engine/train/pretrained'
import { checkpointDir } from '../store/run-folder'
import { headOnBase, stripesPng, trainPatternBase, transferWorld, waitForRun, weightsOf, type TransferWorld } from './transfer.test-helpers'

// Training and exports run in the built engine process, as in the studio (`npx electron-vite build` first).
let world: TransferWorld
let base: BaseInfo
const events: Array<{ event: EventName; payload: unknown }> = []
const call = <T = unknown>(channel: Parameters<TransferWorld['call']>[0], payload: unknown): Promise<T> => world.call<T>(channel, payload)

/** The base: a small CNN this test trains itself on four kinds of pattern, saved as a TF.js layers model. */
function trainBase(folder: string): Promise<void> {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 6, kernelSize: 3, activation: 'relu', name: 'conv_a' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool_a' }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', name: 'conv_b' }),
      tf.layers.globalAveragePooling2d({ name: 'gap' }),
      tf.layers.dense({ units: 4, activation: 'softmax', name: 'classifier' })
    ]
  })
  return trainPatternBase(model, folder)
}

const waitFor = (runId: number, statuses: string[]): Promise<RunDetail> => waitForRun((c, p) => call(c, p), runId, statuses)
const spec = (params: Record<string, string | number>): ModelSpec => headOnBase(base.id, params)

beforeAll(async () => {
  world = await transferWorld('Transfer', (event, payload) => void events.push({ event, payload }), trainBase)
}, 120_000)

afterAll(() => world?.dispose())

describe('transfer learning on a self-made base', () => {
  it('imports the base: layers, shapes and the default cut before its classifier', async () => {
    base = await call<BaseInfo>('model:import-base', { path: path.join(world.dir, 'base') })
    expect(base.inputShape).toEqual([16, 16, 3])
    expect(base.layers.map((l) => [l.name, l.type, l.outputShape])).toEqual([
      ['conv_a', 'Conv2D', [14, 14, 6]],
      ['pool_a', 'MaxPooling2D', [7, 7, 6]],
      ['conv_b', 'Conv2D', [5, 5, 8]],
      ['gap', 'GlobalAveragePooling2D', [8]],
      ['classifier', 'Dense', [4]]
    ])
    expect(base.defaultCut).toBe('gap')
    expect(await call<BaseInfo[]>('model:bases', {})).toHaveLength(1)
    // Importing the same model again gives the same base.
    expect((await call<BaseInfo>('model:import-base', { path: path.join(world.dir, 'base', 'model.json') })).id).toBe(base.id)
  })

  it('a frozen base trains only the head, on features computed once; stop and resume keep it frozen; exports verify', async () => {
    const model = await call<{ id: string }>('model:create', { spec: spec({}), datasetId: world.datasetId })
    const config = { epochs: 30, batchSize: 8, learningRate: 0.02, earlyStopping: { enabled: false } }
    const started = await call<RunSummary>('training:start', { datasetId: world.datasetId, modelId: model.id, config })
    // Stop after the first epoch, then resume from its checkpoint.
    for (;;) {
      const run = await call<RunDetail>('training:run', { runId: started.id })
      if (run.history.length >= 1) break
      if (['failed', 'interrupted', 'completed'].includes(run.status)) throw new Error(`run ${run.status}: ${run.message}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    await call('training:stop', { runId: started.id })
    await waitFor(started.id, ['stopped', 'completed'])
    // The engine process exits shortly after the run stops; resuming starts a new one.
    for (let tries = 0; ; tries++) {
      try {
        await call('training:resume', { runId: started.id })
        break
      } catch (err) {
        if (tries > 100) throw err
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    const run = await waitFor(started.id, ['completed'])
    expect(run.history.map((e) => e.epoch)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    expect(run.history[29].metrics.loss).toBeLessThan(run.history[0].metrics.loss)

    // Features were cached: every image went through the base exactly once per start (train + validation items).
    const cached = events.filter((e) => e.event === 'training:warning' && (e.payload as { runId: number }).runId === started.id).map((e) => e.payload as { key: string; params: { items: number } })
    const summary = await call<{ splits: { train: number; validation: number } }>('dataset:get', { datasetId: world.datasetId })
    expect(cached.map((c) => c.key)).toEqual(['featuresCached', 'featuresCached'])
    for (const c of cached) expect(c.params.items).toBe(summary.splits.train + summary.splits.validation)

    // The base's weights are exactly as imported; the head learnt.
    const trained = await loadModel(tf, checkpointDir(path.join(world.root, 'runs', String(started.id)), 'last'))
    const original = await loadBaseModel(tf, world.root, base.id)
    const baseWeights = weightsOf(original, (n) => (['conv_a', 'conv_b'].includes(n) ? n : null))
    expect(weightsOf(trained, (n) => (n.startsWith('base__') ? n.slice(6) : null))).toEqual(baseWeights)
    expect(trained.layers.filter((l) => l.name.startsWith('base__') && l.countParams() > 0).every((l) => !l.trainable)).toBe(true)
    trained.dispose()
    original.dispose()

    // Judging and trying the run use the trained model, base included.
    const evaluation = await call<{ itemCount: number; report: { classes: string[]; accuracy: number } }>('evaluation:run', { runId: started.id, split: 'test' })
    expect(evaluation.itemCount).toBe((await call<{ splits: { test: number } }>('dataset:get', { datasetId: world.datasetId })).splits.test)
    expect(evaluation.report.classes).toEqual(['horizontal', 'vertical'])
    const photo = await stripesPng(true, 99)
    const tried = await call<{ prediction: { label?: string } }>('evaluation:predict', { runId: started.id, input: { image: photo.toString('base64') } })
    expect(['horizontal', 'vertical']).toContain(tried.prediction.label)

    const result = await call<{ exports: ExportRecord[] }>('export:run', { runId: started.id, formats: ['tfjs', 'onnx', 'keras', 'web'] })
    for (const e of result.exports) {
      expect(e.error, e.format).toBeNull()
      expect(e.status, e.format).toBe('verified')
      if (e.format !== 'keras') expect(e.maxDiff!, e.format).toBeLessThanOrEqual(1e-4)
    }
    // The TF.js export is one self-contained model: the base's layers are inside it.
    const tfjsDir = result.exports.find((e) => e.format === 'tfjs')!.path
    const topology = fs.readFileSync(path.join(tfjsDir, 'model.json'), 'utf8')
    expect(topology).toContain('base__conv_b')
    expect(topology).not.toContain('PretrainedBase')
  }, 240_000)

  it('unfreezing the last layer fine-tunes it and leaves the earlier one as imported', async () => {
    const model = await call<{ id: string }>('model:create', { spec: spec({ unfreeze: 1 }), datasetId: world.datasetId })
    const started = await call<RunSummary>('training:start', { datasetId: world.datasetId, modelId: model.id, config: { epochs: 2, batchSize: 8, learningRate: 0.02 } })
    await waitFor(started.id, ['completed'])
    const trained = await loadModel(tf, checkpointDir(path.join(world.root, 'runs', String(started.id)), 'last'))
    const original = await loadBaseModel(tf, world.root, base.id)
    const now = weightsOf(trained, (n) => (n.startsWith('base__') ? n.slice(6) : null))
    const before = weightsOf(original, (n) => (['conv_a', 'conv_b'].includes(n) ? n : null))
    expect(now.conv_a).toEqual(before.conv_a)
    expect(now.conv_b).not.toEqual(before.conv_b)
    // A base being fine-tuned runs whole in every step: no cached features.
    expect(events.some((e) => e.event === 'training:warning' && (e.payload as { runId: number }).runId === started.id)).toBe(false)
    trained.dispose()
    original.dispose()
  }, 180_000)
})
