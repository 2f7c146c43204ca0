import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import sharp from 'sharp'
import type { EmitEvent, RunDetail } from '../../common/contract'
import { MODEL_FORMAT, type ModelSpec } from '../../common/model/spec'
import { saveCheckpoint } from '../engine/train/checkpoint'
import type { Services } from './index'
import { BUILT_ENGINE, callChannel, testServices } from './services.test-helpers'

/** Test fixtures for transfer learning: generated stripe images, run polling, and a model's weights by layer. */

/** 16×16 stripes: horizontal or vertical, with a random phase, width and noise (values 0…1, HWC). */
export function stripes(vertical: boolean, seed: number): Float32Array {
  let s = seed * 7919 + 1
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647)
  const period = 3 + Math.floor(rand() * 3)
  const phase = Math.floor(rand() * period)
  const px = new Float32Array(16 * 16 * 3)
  for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) for (let c = 0; c < 3; c++) {
    const on = ((vertical ? x : y) + phase) % period < period / 2
    px[(y * 16 + x) * 3 + c] = Math.min(1, Math.max(0, (on ? 0.8 : 0.2) + (rand() - 0.5) * 0.2))
  }
  return px
}

/** Four kinds of pattern for training a base: horizontal, vertical, and their dark versions; x is [n, 16, 16, 3], y one-hot [n, 4]. */
export function patternBatch(n: number): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(n * 768)
  const y = new Float32Array(n * 4)
  for (let i = 0; i < n; i++) {
    const k = i % 4
    const img = stripes(k % 2 === 0, 1000 + i)
    x.set(k >= 2 ? img.map((v) => v * 0.4) : img, i * 768)
    y[i * 4 + k] = 1
  }
  return { x, y }
}

/** A PNG of one stripes image. */
export function stripesPng(vertical: boolean, seed: number): Promise<Buffer> {
  return sharp(Buffer.from(stripes(vertical, seed).map((v) => Math.round(v * 255))), { raw: { width: 16, height: 16, channels: 3 } }).png().toBuffer()
}

/** Writes `perClass` horizontal and vertical stripe photos into `<folder>/{horizontal,vertical}/`. */
export async function writeStripePhotos(folder: string, perClass: number): Promise<void> {
  for (const [cls, vertical] of [['horizontal', false], ['vertical', true]] as const) {
    fs.mkdirSync(path.join(folder, cls), { recursive: true })
    for (let i = 0; i < perClass; i++) fs.writeFileSync(path.join(folder, cls, `${i}.png`), await stripesPng(vertical, i))
  }
}

/** Polls a run until it reaches one of `statuses`; throws when it fails, is interrupted or takes over two minutes. */
export async function waitForRun(call: (channel: 'training:run', payload: unknown) => Promise<unknown>, runId: number, statuses: string[]): Promise<RunDetail> {
  const start = Date.now()
  for (;;) {
    const run = (await call('training:run', { runId })) as RunDetail
    if (statuses.includes(run.status)) return run
    if (['failed', 'interrupted'].includes(run.status)) throw new Error(`run ${runId} ${run.status}: ${run.message}`)
    if (Date.now() - start > 120_000) throw new Error('training timed out')
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Weights of a model's layers that `names` maps to a key (null: left out), by that key. */
export function weightsOf(model: tf.LayersModel, names: (layer: string) => string | null): Record<string, number[][]> {
  const out: Record<string, number[][]> = {}
  for (const layer of model.layers) {
    const key = names(layer.name)
    if (key && layer.getWeights().length) out[key] = layer.getWeights().map((w) => Array.from(w.dataSync()))
  }
  return out
}

/** Trains a base model briefly on {@link patternBatch} (four kinds of pattern) and saves it as a TF.js layers model. */
export async function trainPatternBase(model: tf.LayersModel, folder: string): Promise<void> {
  const n = 64
  const { x, y } = patternBatch(n)
  const optimizer = tf.train.adam(0.01)
  model.compile({ optimizer, loss: 'categoricalCrossentropy' })
  const [xs, ys] = [tf.tensor4d(x, [n, 16, 16, 3]), tf.tensor2d(y, [n, 4])]
  await model.fit(xs, ys, { epochs: 3, batchSize: 16, verbose: 0 })
  tf.dispose([xs, ys])
  await saveCheckpoint(tf, folder, model, optimizer, { epoch: 3, step: 0, learningRate: 0.01, bestValue: null, bestEpoch: 0, epochsWithoutImprovement: 0, epochsWithoutLrImprovement: 0 })
  model.dispose()
}

/** Input 16×16×3 → PretrainedBase (the base, with `params`) → Dense 2 softmax: a new head on a base. */
export function headOnBase(baseId: string, params: Record<string, string | number> = {}): ModelSpec {
  const node = (id: string, type: string, p: Record<string, string | number | number[]>) => ({ id, type, params: p, position: { x: 0, y: 0 } })
  return {
    format: MODEL_FORMAT,
    task: { kind: 'classification', classes: 2 },
    nodes: [node('image', 'Input', { shape: [16, 16, 3] }), node('base', 'PretrainedBase', { base: baseId, ...params }), node('out', 'Dense', { units: 2, activation: 'softmax' })],
    edges: [
      { id: 'e1', source: 'image', target: 'base' },
      { id: 'e2', source: 'base', target: 'out' }
    ]
  }
}

/** Real services in a temporary folder with a project, a base the test made in `<dir>/base`, and a stripes photo dataset. */
export interface TransferWorld {
  dir: string
  root: string
  services: Services
  datasetId: string
  call: <T = unknown>(channel: Parameters<typeof callChannel>[1], payload: unknown) => Promise<T>
  dispose: () => void
}

/** Sets up a {@link TransferWorld}: `makeBase` writes the base model into the folder it is given. Needs the built engine. */
export async function transferWorld(name: string, emit: EmitEvent, makeBase: (folder: string) => Promise<void>): Promise<TransferWorld> {
  if (!fs.existsSync(BUILT_ENGINE)) throw new Error('Build Strata first: npx electron-vite build')
  await tf.setBackend('cpu')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-transfer-'))
  const services = testServices(dir, emit)
  const call = <T = unknown>(channel: Parameters<typeof callChannel>[1], payload: unknown): Promise<T> => callChannel<T>(services, channel, payload)
  const root = (await call<{ path: string }>('project:create', { name })).path
  await makeBase(path.join(dir, 'base'))
  await writeStripePhotos(path.join(dir, 'photos'), 24)
  const datasetId = (await call<{ datasetId: string }>('dataset:import', { path: path.join(dir, 'photos'), kind: 'images' })).datasetId
  return {
    dir,
    root,
    services,
    datasetId,
    call,
    dispose: () => {
      services.dispose()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}
