import fs from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ExportRecord, RunDetail, RunSummary } from '../../common/contract'
import type { BaseInfo } from '../../common/model/bases'
import { loadModel } from '../engine/train/checkpoint'
import { loadBaseModel } from '../engine/train/pretrained'
import { checkpointDir } from '../store/run-folder'
import { headOnBase, trainPatternBase, transferWorld, waitForRun, weightsOf, type TransferWorld } from './transfer.test-helpers'

// Training and exports run in the built engine process, as in the studio (`npx electron-vite build` first).
let world: TransferWorld
const call = <T = unknown>(channel: Parameters<TransferWorld['call']>[0], payload: unknown): Promise<T> => world.call<T>(channel, payload)

/**
 * A MobileNet-v2-shaped base this test trains itself: one-sided ZeroPadding2D → Conv2D stride 2 → BN → ReLU(6), then an
 * inverted-residual-like block DepthwiseConv2D → BN → ReLU(6) → Conv2D 1×1 → BN added to the block's input, then
 * GlobalAveragePooling2D → Dense classifier. Saved as a TF.js layers model (Keras classes ZeroPadding2D, ReLU, …).
 */
function trainMobileBase(folder: string): Promise<void> {
  const input = tf.input({ shape: [16, 16, 3], name: 'image' })
  const L = tf.layers
  let x = L.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: 'stem_pad' }).apply(input) as tf.SymbolicTensor
  x = L.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'valid', useBias: false, name: 'stem_conv' }).apply(x) as tf.SymbolicTensor
  x = L.batchNormalization({ name: 'stem_bn' }).apply(x) as tf.SymbolicTensor
  const stem = L.reLU({ maxValue: 6, name: 'stem_relu' }).apply(x) as tf.SymbolicTensor
  x = L.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, name: 'block_dw' }).apply(stem) as tf.SymbolicTensor
  x = L.batchNormalization({ name: 'block_dw_bn' }).apply(x) as tf.SymbolicTensor
  x = L.reLU({ maxValue: 6, name: 'block_dw_relu' }).apply(x) as tf.SymbolicTensor
  x = L.conv2d({ filters: 8, kernelSize: 1, useBias: false, name: 'block_project' }).apply(x) as tf.SymbolicTensor
  x = L.batchNormalization({ name: 'block_project_bn' }).apply(x) as tf.SymbolicTensor
  x = L.add({ name: 'block_add' }).apply([stem, x]) as tf.SymbolicTensor
  x = L.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor
  const output = L.dense({ units: 4, activation: 'softmax', name: 'classifier' }).apply(x) as tf.SymbolicTensor
  return trainPatternBase(tf.model({ inputs: input, outputs: output, name: 'mobile_base' }), folder)
}

beforeAll(async () => {
  world = await transferWorld('Mobile transfer', () => undefined, trainMobileBase)
}, 120_000)

afterAll(() => world?.dispose())

describe('transfer learning on a MobileNet-v2-shaped base', () => {
  it('imports it, trains a new head on the frozen base cut before its Dense, and exports ONNX and TF.js within 1e-4', async () => {
    const base = await call<BaseInfo>('model:import-base', { path: path.join(world.dir, 'base') })
    expect(base.inputShape).toEqual([16, 16, 3])
    expect(base.layers.map((l) => [l.name, l.type, l.outputShape.join('×')])).toEqual([
      ['stem_pad', 'ZeroPadding2D', '17×17×3'],
      ['stem_conv', 'Conv2D', '8×8×8'],
      ['stem_bn', 'BatchNormalization', '8×8×8'],
      ['stem_relu', 'Activation', '8×8×8'],
      ['block_dw', 'DepthwiseConv2D', '8×8×8'],
      ['block_dw_bn', 'BatchNormalization', '8×8×8'],
      ['block_dw_relu', 'Activation', '8×8×8'],
      ['block_project', 'Conv2D', '8×8×8'],
      ['block_project_bn', 'BatchNormalization', '8×8×8'],
      ['block_add', 'Add', '8×8×8'],
      ['gap', 'GlobalAveragePooling2D', '8'],
      ['classifier', 'Dense', '4']
    ])
    expect(base.layers.find((l) => l.name === 'stem_relu')?.params.activation).toBe('relu6')
    expect(base.layers.find((l) => l.name === 'block_add')?.inputs).toEqual(['stem_relu', 'block_project_bn'])
    expect(base.defaultCut).toBe('gap')
    // The sizes Strata infers are the ones TF.js counts in the saved model.
    const original = await loadBaseModel(tf, world.root, base.id)
    for (const layer of base.layers) expect(layer.paramCount, layer.name).toBe(original.getLayer(layer.source).countParams())

    const model = await call<{ id: string }>('model:create', { spec: headOnBase(base.id), datasetId: world.datasetId })
    const started = await call<RunSummary>('training:start', { datasetId: world.datasetId, modelId: model.id, config: { epochs: 8, batchSize: 8, learningRate: 0.02, earlyStopping: { enabled: false } } })
    const run: RunDetail = await waitForRun((c, p) => call(c, p), started.id, ['completed'])
    expect(run.history).toHaveLength(8)
    expect(run.history[7].metrics.loss).toBeLessThan(run.history[0].metrics.loss)

    // The base stayed as imported (frozen), batch-norm statistics included; only the head learnt.
    const trained = await loadModel(tf, checkpointDir(path.join(world.root, 'runs', String(started.id)), 'last'))
    const baseLayers = base.layers.filter((l) => l.name !== 'classifier').map((l) => l.name)
    expect(weightsOf(trained, (n) => (n.startsWith('base__') ? n.slice(6) : null))).toEqual(weightsOf(original, (n) => (baseLayers.includes(n) ? n : null)))
    expect(trained.layers.filter((l) => l.name.startsWith('base__') && l.countParams() > 0).every((l) => !l.trainable)).toBe(true)
    trained.dispose()
    original.dispose()

    const result = await call<{ exports: ExportRecord[] }>('export:run', { runId: started.id, formats: ['tfjs', 'onnx', 'keras'] })
    for (const e of result.exports) {
      expect(e.error, e.format).toBeNull()
      expect(e.status, e.format).toBe('verified')
      if (e.format !== 'keras') expect(e.maxDiff!, e.format).toBeLessThanOrEqual(1e-4)
    }
    const topology = fs.readFileSync(path.join(result.exports.find((e) => e.format === 'tfjs')!.path, 'model.json'), 'utf8')
    expect(topology).toContain('"DepthwiseConv2D"')
    expect(topology).toContain('"ZeroPadding2D"')
  }, 240_000)

  it('fine-tuning from the depthwise convolution on trains it and leaves the stem as imported', async () => {
    const [base] = await call<BaseInfo[]>('model:bases', {})
    // Weighted layers before the cut: stem_conv, stem_bn, block_dw, block_dw_bn, block_project, block_project_bn.
    const model = await call<{ id: string }>('model:create', { spec: headOnBase(base.id, { unfreeze: 4 }), datasetId: world.datasetId })
    const started = await call<RunSummary>('training:start', { datasetId: world.datasetId, modelId: model.id, config: { epochs: 2, batchSize: 8, learningRate: 0.02 } })
    await waitForRun((c, p) => call(c, p), started.id, ['completed'])
    const trained = await loadModel(tf, checkpointDir(path.join(world.root, 'runs', String(started.id)), 'last'))
    const original = await loadBaseModel(tf, world.root, base.id)
    const now = weightsOf(trained, (n) => (n.startsWith('base__') ? n.slice(6) : null))
    const before = weightsOf(original, (n) => n)
    expect(now.stem_conv).toEqual(before.stem_conv)
    expect(now.stem_bn).toEqual(before.stem_bn)
    expect(now.block_dw).not.toEqual(before.block_dw)
    expect(now.block_project).not.toEqual(before.block_project)
    trained.dispose()
    original.dispose()
  }, 180_000)
})
