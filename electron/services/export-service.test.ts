import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ChannelName, type EmitEvent, type EventName, type ExportRecord, type RunSummary } from '../../common/contract'
import { MODEL_FORMAT, type ModelSpec } from '../../common/model/spec'
import { loadModel } from '../engine/train/checkpoint'
import { makeImage, writeTree } from '../store/data.test-helpers'
import type { Services } from './index'
import { BUILT_ENGINE, callChannel, testServices } from './services.test-helpers'

// Exports run in the built engine process, as in the studio (`npx electron-vite build` first).
const ENGINE = BUILT_ENGINE
const HAS_CHROMIUM = fs.existsSync(process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium')

let dir: string
let services: Services
const events: Array<{ event: EventName; payload: unknown }> = []

const call = <T = unknown>(channel: ChannelName, payload: unknown): Promise<T> => callChannel<T>(services, channel, payload)

async function train(datasetId: string, modelId: string, epochs: number): Promise<number> {
  const run = await call<RunSummary>('training:start', { datasetId, modelId, config: { epochs, batchSize: 16, learningRate: 0.01 } })
  const start = Date.now()
  for (;;) {
    const status = (await call<RunSummary>('training:run', { runId: run.id })).status
    if (status === 'completed') return run.id
    if (['failed', 'stopped', 'interrupted'].includes(status)) throw new Error(`run ${run.id} ${status}`)
    if (Date.now() - start > 90_000) throw new Error('training timed out')
    await new Promise((r) => setTimeout(r, 100))
  }
}

function churnCsv(file: string, rows: number): void {
  const lines = ['customer_id,tenure_months,plan,support_calls,autopay,signup,churned']
  let seed = 5
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647)
  for (let i = 0; i < rows; i++) {
    const tenure = Math.floor(rand() * 60)
    const plan = ['basic', 'plus', 'pro'][Math.floor(rand() * 3)]
    const calls = Math.floor(rand() * 8)
    const churn = (tenure < 12 && calls > 3) || tenure < 6 ? 'yes' : 'no'
    lines.push(`C${i},${tenure},${plan},${calls},${rand() < 0.5 ? 'yes' : 'no'},2023-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)},${churn}`)
  }
  fs.writeFileSync(file, lines.join('\n') + '\n')
}

/** A small CNN with every image layer kind a beginner uses: augmentation, conv, batch norm, pooling, flatten. */
const CNN: ModelSpec = {
  format: MODEL_FORMAT,
  name: 'Shapes CNN',
  task: { kind: 'classification', classes: 3 },
  nodes: [
    ['input', 'Input', { shape: [16, 16, 3] }],
    ['flip', 'RandomFlip', {}],
    ['conv1', 'Conv2D', { filters: 6, kernelSize: 3, padding: 'same' }],
    ['bn', 'BatchNormalization', {}],
    ['pool', 'MaxPooling2D', { poolSize: 2 }],
    ['conv2', 'Conv2D', { filters: 4, kernelSize: 3, strides: 2, activation: 'elu' }],
    ['flat', 'Flatten', {}],
    ['out', 'Dense', { units: 3, activation: 'softmax' }]
  ].map(([id, type, params]) => ({ id: id as string, type: type as string, params: params as Record<string, number | string>, position: { x: 0, y: 0 } })),
  edges: ['input', 'flip', 'conv1', 'bn', 'pool', 'conv2', 'flat', 'out'].slice(1).map((id, i, all) => ({ id: `e${i}`, source: i ? all[i - 1] : 'input', target: id }))
}

beforeAll(async () => {
  if (!fs.existsSync(ENGINE)) throw new Error('Build Strata first: npx electron-vite build')
  await tf.setBackend('cpu')
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-export-'))
  const emit: EmitEvent = (event, payload) => void events.push({ event, payload })
  services = testServices(dir, emit)
  await call('project:create', { name: 'Exports' })
})

afterAll(() => {
  services?.dispose()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

const byFormat = (exports: ExportRecord[]) => Object.fromEntries(exports.map((e) => [e.format, e]))

describe('export service (engine process)', () => {
  it('a trained tabular classifier: TF.js, ONNX and web page verified against the studio, Keras compiles, card has the data', async () => {
    const csv = path.join(dir, 'churn.csv')
    churnCsv(csv, 400)
    const { datasetId } = await call<{ datasetId: string }>('dataset:import', { path: csv, kind: 'table', target: 'churned' })
    const model = await call<{ id: string }>('model:create', { template: 'tabular-classifier', fit: { inputShape: [1], classes: 2 } })
    // Fit the model's input to the encoded table width by training once: the engine reports mismatches plainly.
    const runId = await train(datasetId, model.id, 3)

    const result = await call<{ exports: ExportRecord[] }>('export:run', {
      runId,
      formats: ['tfjs', 'onnx', 'keras', 'card', 'web'],
      card: { intendedUse: 'Spot customers likely to leave.', limitations: 'Trained on synthetic rows only.' }
    })
    const e = byFormat(result.exports)
    for (const format of ['tfjs', 'onnx', 'web'] as const) {
      expect(e[format].error, format).toBeNull()
      expect(e[format].status, format).toBe('verified')
      expect(e[format].maxDiff!, format).toBeLessThanOrEqual(1e-4)
      expect(e[format].examples, format).toBeGreaterThan(0)
    }
    expect(e.onnx.checkedWith).toBe('onnxruntime-node')
    expect(e.web.checkedWith).toBe(HAS_CHROMIUM ? 'Chromium' : 'TF.js')
    expect(e.keras.status).toBe('verified')
    expect(e.keras.checkedWith).toBe('python3 -m py_compile')

    // The TF.js export reloads here too and carries everything the preprocessing needs.
    const pre = JSON.parse(fs.readFileSync(path.join(e.tfjs.path, 'preprocessing.json'), 'utf8'))
    expect(pre.preprocessing.kind).toBe('table')
    expect(pre.preprocessing.features.map((f: { column: string }) => f.column)).toContain('plan')
    expect(pre.output.classes).toEqual(['no', 'yes'])
    const reloaded = await loadModel(tf, e.tfjs.path)
    expect(reloaded.inputs[0].shape.slice(1)).toEqual(pre.input.shape.slice(1))
    reloaded.dispose()

    // The Keras script compiles.
    expect(spawnSync('python3', ['-m', 'py_compile', path.join(e.keras.path, 'model.py')], { env: { ...process.env, PYTHONPYCACHEPREFIX: path.join(dir, 'pyc') } }).status).toBe(0)

    // The card names the data, its class counts, the user's texts and the test metrics.
    const html = fs.readFileSync(path.join(e.card.path, 'model-card.html'), 'utf8')
    const summary = await call<{ classes: Array<{ label: string; count: number }>; itemCount: number }>('dataset:get', { datasetId })
    expect(html).toContain('Spot customers likely to leave.')
    expect(html).toContain('Trained on synthetic rows only.')
    expect(html).toContain(`data-testid="item-count">${summary.itemCount}<`)
    for (const c of summary.classes) expect(html).toContain(`<td>${c.label}</td><td class="num">${c.count}</td>`)
    expect(html).toMatch(/data-metric="accuracy">\d+\.\d %/)
    expect(html).toContain('data-testid="confusion"')
    if (HAS_CHROMIUM) expect(fs.readFileSync(path.join(e.card.path, 'model-card.pdf')).subarray(0, 5).toString()).toBe('%PDF-')
    else expect(e.card.note?.key).toBe('pdfNeedsChromium')

    // Recorded in the run's manifest, with progress events on the way.
    const listed = await call<{ exports: ExportRecord[]; card: { intendedUse: string } }>('export:list', { runId })
    expect(listed.exports.map((x) => x.format).sort()).toEqual(['card', 'keras', 'onnx', 'tfjs', 'web'])
    expect(listed.card.intendedUse).toBe('Spot customers likely to leave.')
    expect(events.some((ev) => ev.event === 'export:progress')).toBe(true)

    // Download: a zip archive in chunks.
    const first = await call<{ name: string; size: number; data: string; done: boolean }>('export:download', { runId, format: 'onnx' })
    expect(first.name).toBe(`run-${runId}-onnx.zip`)
    const zip = Buffer.from(first.data, 'base64')
    expect(zip.subarray(0, 4).toString('hex')).toBe('504b0304')
    expect(first.done).toBe(first.size === zip.length)
    fs.writeFileSync(path.join(dir, 'onnx.zip'), zip)
    const listing = spawnSync('unzip', ['-l', path.join(dir, 'onnx.zip')], { encoding: 'utf8' })
    if (!listing.error) expect(listing.stdout).toContain(`run-${runId}-onnx/model.onnx`)
  })

  it('a small CNN trained on images: TF.js, ONNX (NHWC, flatten order) and web page verified', async () => {
    const files: Record<string, Buffer> = {}
    for (const [k, cls] of ['circle', 'square', 'stripe'].entries()) {
      for (let i = 0; i < 14; i++) files[`${cls}/${i}.png`] = await makeImage('png', { width: 16, height: 16, seed: k * 50 + i * 3 })
    }
    writeTree(path.join(dir, 'shapes'), files)
    const { datasetId } = await call<{ datasetId: string }>('dataset:import', { path: path.join(dir, 'shapes'), kind: 'images' })
    const cnn = await call<{ id: string }>('model:create', { spec: CNN })
    const runId = await train(datasetId, cnn.id, 2)

    const result = await call<{ exports: ExportRecord[] }>('export:run', { runId, formats: ['tfjs', 'onnx', 'web', 'keras'] })
    const e = byFormat(result.exports)
    for (const format of ['tfjs', 'onnx', 'web'] as const) {
      expect(e[format].error, format).toBeNull()
      expect(e[format].status, format).toBe('verified')
      expect(e[format].maxDiff!, format).toBeLessThanOrEqual(1e-4)
    }
    expect(e.keras.status).toBe('verified')
    // Augmentation layers are cut from exports: the TF.js model loads in any TF.js, without Strata's classes.
    const topology = fs.readFileSync(path.join(e.tfjs.path, 'model.json'), 'utf8')
    expect(topology).not.toContain('StrataRandomFlip')
    const pre = JSON.parse(fs.readFileSync(path.join(e.web.path, 'model', 'preprocessing.json'), 'utf8'))
    expect(pre.preprocessing).toMatchObject({ kind: 'images', width: 16, height: 16, channels: 3, classes: ['circle', 'square', 'stripe'] })
    expect(fs.existsSync(path.join(e.web.path, 'tf.min.js'))).toBe(true)
    expect(fs.readFileSync(path.join(e.web.path, 'index.html'), 'utf8')).not.toMatch(/https?:\/\//)
  })

  it('a text LSTM: the tokenizer travels with the export and ONNX (LSTM gates, hard sigmoid) matches the studio', async () => {
    const csv = path.join(dir, 'texts.csv')
    const lines = ['review,label']
    for (let i = 0; i < 60; i++) lines.push(`${i % 2 ? 'great lovely fine' : 'awful bad poor'} item ${i},${i % 2 ? 'pos' : 'neg'}`)
    fs.writeFileSync(csv, lines.join('\n') + '\n')
    const { datasetId } = await call<{ datasetId: string }>('dataset:import', { path: csv, kind: 'text', textColumn: 'review', target: 'label' })
    const node = (id: string, type: string, params: Record<string, number | string | number[]>) => ({ id, type, params, position: { x: 0, y: 0 } })
    const spec: ModelSpec = {
      format: MODEL_FORMAT,
      task: { kind: 'binary' },
      nodes: [node('words', 'Input', { shape: [12] }), node('embed', 'Embedding', { inputDim: 50, outputDim: 6 }), node('lstm_1', 'LSTM', { units: 5 }), node('out', 'Dense', { units: 1, activation: 'sigmoid' })],
      edges: [
        { id: 'e1', source: 'words', target: 'embed' },
        { id: 'e2', source: 'embed', target: 'lstm_1' },
        { id: 'e3', source: 'lstm_1', target: 'out' }
      ]
    }
    const lstm = await call<{ id: string }>('model:create', { spec })
    const runId = await train(datasetId, lstm.id, 1)
    const result = await call<{ exports: ExportRecord[] }>('export:run', { runId, formats: ['onnx', 'web'] })
    const e = byFormat(result.exports)
    for (const format of ['onnx', 'web'] as const) {
      expect(e[format].error, format).toBeNull()
      expect(e[format].status, format).toBe('verified')
      expect(e[format].maxDiff!, format).toBeLessThanOrEqual(1e-4)
    }
    const pre = JSON.parse(fs.readFileSync(path.join(e.onnx.path, 'preprocessing.json'), 'utf8'))
    expect(pre.preprocessing.kind).toBe('text')
    expect(pre.preprocessing.vocabulary).toEqual(expect.arrayContaining(['great', 'awful']))
  })
})
