import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { beforeAll, describe, expect, it } from 'vitest'
import { TrainConfig } from '../../../common/contract'
import { StrataError } from '../../../common/errors'
import { hasCheckpoint, loadModel, loadTrainingState, saveCheckpoint } from './checkpoint'
import { inMemorySource, type TrainingData } from '../data/data-source'
import { readMnist } from '../../store/mnist'
import { evaluateSplit, makeOptimizer, train } from './trainer'
import { startWasmBackend } from '../kernels/threads'

// The default CPU path of the studio: WebAssembly, multithreaded where this machine has more than one core.
beforeAll(async () => {
  expect((await startWasmBackend(tf)).started).toBe(true)
})

const config = (over: Partial<TrainConfig>) => TrainConfig.parse(over)

/** The seed's line: 100 points of y = 0.1·x + 0.3. */
function lineData(): TrainingData {
  const x = new Float32Array(100)
  const y = new Float32Array(100)
  for (let i = 0; i < 100; i++) {
    x[i] = i / 100
    y[i] = 0.1 * x[i] + 0.3
  }
  return { task: 'regression', inputShape: [1], targetSize: 1, train: inMemorySource(x, y, 1, 1), validation: null }
}

function mnistData(trainCount: number, testCount: number): { data: TrainingData; test: TrainingData['train'] } {
  const toSource = (split: ReturnType<typeof readMnist>) => {
    const x = new Float32Array(split.images.length)
    for (let i = 0; i < x.length; i++) x[i] = split.images[i] / 255
    const y = new Float32Array(split.count * 10)
    for (let i = 0; i < split.count; i++) y[i * 10 + split.labels[i]] = 1
    return inMemorySource(x, y, 784, 10)
  }
  const trainSplit = readMnist('train', trainCount)
  const test = toSource(readMnist('test', testCount))
  return { data: { task: 'classification', inputShape: [28, 28, 1], targetSize: 10, train: toSource(trainSplit), validation: test }, test }
}

function mlp(): tf.LayersModel {
  return tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 128, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })]
  })
}

describe('train', () => {
  it('learns the line y = 0.1·x + 0.3 with plain gradient descent: w and b within ±0.01', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] })
    const cfg = config({ optimizer: 'sgd', momentum: 0, learningRate: 0.5, epochs: 200, batchSize: 100 })
    const optimizer = makeOptimizer(tf, cfg)
    const end = await train(tf, model, optimizer, lineData(), cfg)
    expect(end.reason).toBe('completed')
    const [w, b] = model.getWeights().map((t) => t.dataSync()[0])
    expect(Math.abs(w - 0.1)).toBeLessThan(0.01)
    expect(Math.abs(b - 0.3)).toBeLessThan(0.01)
    model.dispose()
    optimizer.dispose()
  })

  it('an MLP on 5,000 MNIST digits reaches ≥ 90% on 1,000 test digits, and leaks no tensors', async () => {
    const { data, test } = mnistData(5000, 1000)
    const before = tf.memory().numTensors
    const model = mlp()
    const cfg = config({ epochs: 5, batchSize: 32, learningRate: 0.001 })
    const optimizer = makeOptimizer(tf, cfg)
    const epochs: number[] = []
    await train(tf, model, optimizer, data, cfg, { onEpoch: (e) => void epochs.push(e.metrics.val_acc) })
    const { acc } = await evaluateSplit(tf, model, data, test, 256)
    expect(acc).toBeGreaterThanOrEqual(0.9)
    expect(epochs).toHaveLength(5)
    model.dispose()
    optimizer.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('stops at the next batch when asked, and waits while paused', async () => {
    const { data } = mnistData(2000, 100)
    const model = mlp()
    const cfg = config({ epochs: 5, batchSize: 32 })
    const optimizer = makeOptimizer(tf, cfg)
    const controller = new AbortController()
    let paused = true
    let batchesWhilePaused = 0
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    setTimeout(() => {
      paused = false
      release()
    }, 300)
    const end = await train(tf, model, optimizer, data, cfg, {
      signal: controller.signal,
      waitIfPaused: () => (paused ? gate : Promise.resolve()),
      onBatch: (b) => {
        if (paused) batchesWhilePaused++
        if (b.step === 10) controller.abort()
      }
    })
    expect(batchesWhilePaused).toBe(0)
    expect(end).toMatchObject({ reason: 'stopped', epoch: 0 })
    model.dispose()
    optimizer.dispose()
  })

  it('a loss that becomes NaN stops the run with advice naming the epoch', async () => {
    const x = new Float32Array([1, 2, 3, 4])
    const y = new Float32Array([1e30, -1e30, 1e30, -1e30])
    const data: TrainingData = { task: 'regression', inputShape: [1], targetSize: 1, train: inMemorySource(x, y, 1, 1), validation: null }
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] })
    const cfg = config({ optimizer: 'sgd', momentum: 0, learningRate: 10, epochs: 50, batchSize: 4 })
    const optimizer = makeOptimizer(tf, cfg)
    const err = await train(tf, model, optimizer, data, cfg).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StrataError)
    expect((err as StrataError).code).toBe('TRAINING_DIVERGED')
    expect((err as StrataError).message).toMatch(/epoch \d+.*lower learning rate/)
    model.dispose()
    optimizer.dispose()
  })

  it('early stopping fires when validation loss stops improving and reports the best epoch', async () => {
    // Labels are noise: validation loss cannot keep improving, so patience runs out long before 40 epochs.
    const n = 200
    const x = new Float32Array(n * 8).map((_, i) => Math.sin(i * 12.9898) * 0.5)
    const y = new Float32Array(n * 2)
    for (let i = 0; i < n; i++) y[i * 2 + (Math.sin(i * 78.233) > 0 ? 1 : 0)] = 1
    const data: TrainingData = {
      task: 'classification',
      inputShape: [8],
      targetSize: 2,
      train: inMemorySource(x.slice(0, 1200), y.slice(0, 300), 8, 2),
      validation: inMemorySource(x.slice(1200), y.slice(300), 8, 2)
    }
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 64, activation: 'relu', inputShape: [8] }), tf.layers.dense({ units: 2, activation: 'softmax' })] })
    const cfg = config({ epochs: 40, learningRate: 0.01, earlyStopping: { enabled: true, monitor: 'val_loss', patience: 3, restoreBestWeights: true } })
    const optimizer = makeOptimizer(tf, cfg)
    const end = await train(tf, model, optimizer, data, cfg)
    expect(end.reason).toBe('early-stopped')
    expect(end.epoch).toBeLessThan(40)
    expect(end.epoch - end.bestEpoch).toBe(3)
    model.dispose()
    optimizer.dispose()
  })
})

describe('checkpoints', () => {
  it('a model, its optimiser state and training state round-trip; predictions are identical', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-ckpt-'))
    const { data } = mnistData(500, 50)
    const model = mlp()
    const cfg = config({ epochs: 1, batchSize: 50 })
    const optimizer = makeOptimizer(tf, cfg)
    let saved: Parameters<typeof saveCheckpoint>[4] | null = null
    await train(tf, model, optimizer, data, cfg, {
      onEpoch: async (e) => {
        saved = e.state
        await saveCheckpoint(tf, dir, model, optimizer, e.state)
      }
    })
    expect(hasCheckpoint(dir)).toBe(true)
    const restored = await loadModel(tf, dir)
    const freshOptimizer = makeOptimizer(tf, cfg)
    const state = await loadTrainingState(tf, dir, freshOptimizer)
    expect(state).toEqual(saved)
    const probe = tf.randomUniform([4, 28, 28, 1])
    const a = (model.predict(probe) as tf.Tensor).dataSync()
    const b = (restored.predict(probe) as tf.Tensor).dataSync()
    expect(Array.from(b)).toEqual(Array.from(a))
    const originalSlots = (await optimizer.getWeights()).map((w) => Array.from(w.tensor.dataSync()).slice(0, 5))
    const restoredSlots = (await freshOptimizer.getWeights()).map((w) => Array.from(w.tensor.dataSync()).slice(0, 5))
    expect(restoredSlots).toEqual(originalSlots)
    tf.dispose([probe])
    ;[model, restored].forEach((m) => m.dispose())
    ;[optimizer, freshOptimizer].forEach((o) => o.dispose())
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
