/**
 * The GPU engine against the CPU path: where Chromium finds a hardware GPU (WebGPU or WebGL, never a software
 * renderer), the seed CNN and MLP train through the GPU engine's Worker for two epochs of synthetic digits and the
 * second epoch's samples/s is printed next to the CPU path's (the studio's trainer on wasm, as in train.bench) and
 * as a ratio. Where Chromium finds none, it prints "no hardware GPU" and why. Run: npx tsx scripts/bench/gpu-engine.bench.ts
 * (`-- --allow-software` measures a software renderer too, on fewer items: a check of the bench itself, not of a GPU).
 */
import os from 'node:os'
import path from 'node:path'
import { chromium } from '@playwright/test'
import { TrainConfig } from '../../common/contract'
import type { Preprocessing } from '../../common/data/preprocessing'
import { translate } from '../../common/i18n'
import { buildTemplate, type TemplateId } from '../../common/model/templates'
import { inMemorySource, type TrainingData } from '../../electron/engine/data/data-source'
import type { GpuDetection } from '../../electron/engine/gpu/detect'
import { gpuEnginePort } from '../../electron/engine/gpu/gpu-engine-port'
import type { JobEvent } from '../../electron/engine/process/protocol'
import { benchTraining, type BenchModel } from './train-bench'
import { bundleTestWorker, GPU_CHROMIUM_ARGS, gpuPage } from '../../e2e/gpu/bridge'

const ALLOW_SOFTWARE = process.argv.includes('--allow-software')
const ITEMS = ALLOW_SOFTWARE ? 256 : 2048
const MODELS: Array<{ template: TemplateId; bench: BenchModel }> = [
  { template: 'mnist-cnn', bench: 'cnn' },
  { template: 'mnist-mlp', bench: 'mlp' }
]

/** Random 28×28 images with one-hot labels: throughput does not depend on what the pixels show. */
function digits(): TrainingData {
  const x = new Float32Array(ITEMS * 784).map(() => Math.random())
  const y = new Float32Array(ITEMS * 10)
  for (let i = 0; i < ITEMS; i++) y[i * 10 + (i % 10)] = 1
  return { task: 'classification', inputShape: [28, 28, 1], targetSize: 10, train: inMemorySource(x, y, 784, 10), validation: null }
}

/** The noise digits as images: 28×28 grey, ten classes. */
const DIGITS_PREPROCESSING: Preprocessing = { kind: 'images', height: 28, width: 28, channels: 1, scale: 1 / 255, classes: Array.from({ length: 10 }, (_, i) => String(i)), task: 'classification' }

async function main(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium',
    args: [...GPU_CHROMIUM_ARGS, '--ignore-gpu-blocklist', '--enable-features=Vulkan']
  })
  try {
    const workerCode = await bundleTestWorker()
    const { hook } = await gpuPage(await browser.newPage(), workerCode)
    const detection = await hook<GpuDetection>({ type: 'detect', allowSoftware: ALLOW_SOFTWARE })
    if (!detection.backend) {
      const why = detection.skipped.map((s) => `${s.id}: ${translate('en', `backends.reasons.${s.key}`, s.params)}`).join(' ')
      console.log(`GPU engine: no hardware GPU — ${why}`)
      return
    }
    console.log(`GPU engine: ${detection.device} via ${detection.backend}${detection.software ? ' (a software renderer, measured because --allow-software was given)' : ''}`)
    const data = digits()
    for (const { template, bench } of MODELS) {
      // One GPU engine (one Worker) per job, as in the studio.
      const { host } = await gpuPage(await browser.newPage(), workerCode)
      const events: JobEvent[] = []
      const port = gpuEnginePort(host, { allowSoftware: ALLOW_SOFTWARE, backends: [detection.backend], calibrate: false, loadData: async () => ({ data, preprocessing: DIGITS_PREPROCESSING }) })
      await new Promise<void>((resolve) => {
        port.onMessage((m) => void ('type' in m && m.type === 'job' && events.push(m.event)))
        port.onExit(() => resolve())
        const config = TrainConfig.parse({ epochs: 2, batchSize: 32, optimizer: 'adam', earlyStopping: { enabled: false } })
        const spec = buildTemplate(template, { inputShape: [28, 28, 1], classes: 10, task: 'classification' })
        port.postMessage({ type: 'train', job: { runId: 1, projectRoot: '', datasetId: '', spec, config, runDir: path.join(os.tmpdir(), `strata-gpu-bench-${process.pid}`), resume: false } })
      })
      const failed = events.find((e) => e.type === 'failed')
      if (failed?.type === 'failed') throw new Error(`GPU engine failed on ${template}: ${failed.error.message}`)
      const second = events.find((e) => e.type === 'epoch' && e.epoch === 2)
      const gpu = second?.type === 'epoch' ? ITEMS / second.seconds : NaN
      const cpu = (await benchTraining({ backend: 'wasm', model: bench, warmupBatches: 3, batches: bench === 'cnn' ? 20 : 100 })).samplesPerSecond
      console.log(`${bench.padEnd(4)} gpu-engine ${gpu.toFixed(1).padStart(8)} samples/s  cpu path (wasm) ${cpu.toFixed(1).padStart(8)} samples/s  gpu/cpu = ${(gpu / cpu).toFixed(2)}x`)
    }
  } finally {
    await browser.close()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
