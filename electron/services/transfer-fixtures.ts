import fs from 'node:fs'
import path from 'node:path'
import type * as TfNs from '@tensorflow/tfjs'
import sharp from 'sharp'
import type { RunDetail } from '../../common/contract'

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
export function weightsOf(model: TfNs.LayersModel, names: (layer: string) => string | null): Record<string, number[][]> {
  const out: Record<string, number[][]> = {}
  for (const layer of model.layers) {
    const key = names(layer.name)
    if (key && layer.getWeights().length) out[key] = layer.getWeights().map((w) => Array.from(w.dataSync()))
  }
  return out
}
