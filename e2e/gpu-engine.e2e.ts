import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { build } from 'esbuild'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { GPU_ENGINE_PORT_MESSAGE } from '../common/gpu-engine'
import { TrainConfig } from '../common/contract'
import { buildTemplate } from '../common/model/templates'
import { inMemorySource, type TrainingData } from '../electron/engine/data-source'
import { preferGpuEngine } from '../electron/engine/gpu/engine-selector'
import { gpuEnginePort, type GpuHost } from '../electron/engine/gpu/gpu-engine-port'
import type { FromGpuWorker, ToGpuWorker } from '../electron/engine/gpu/gpu-protocol'
import type { EnginePort, JobEvent, TrainJob } from '../electron/engine/protocol'
import { buildModelFor } from '../electron/engine/job-deps'
import { JobControls, runTrainingJob, type JobDeps } from '../electron/engine/training-job'
import { ModelSpecSchema } from '../common/model/spec'

// Headless Chromium runs WebGL (and, with --enable-unsafe-webgpu, WebGPU) on SwiftShader: correct but software, so
// these tests opt in to it. They check correctness on tiny shapes and a few steps, never speed.
test.use({
  launchOptions: {
    executablePath: process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu', '--no-first-run', '--disable-background-networking']
  }
})

let workerCode = ''
test.beforeAll(async () => {
  const out = await build({ entryPoints: [path.join(__dirname, 'gpu', 'test-worker.ts')], bundle: true, format: 'iife', platform: 'browser', write: false, logLevel: 'silent' })
  workerCode = out.outputFiles[0].text
})

/** Typed arrays cross Playwright's bridge as base64 (the real port copies them by structured clone). */
type Wire = unknown
function encode(value: unknown): Wire {
  if (ArrayBuffer.isView(value)) return { $typed: value.constructor.name, b64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') }
  if (Array.isArray(value)) return value.map(encode)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]))
  return value
}
function decode(value: Wire): unknown {
  if (Array.isArray(value)) return value.map(decode)
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>
    if (typeof v.$typed === 'string') {
      const bytes = Buffer.from(v.b64 as string, 'base64')
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
      return v.$typed === 'Float32Array' ? new Float32Array(buffer) : new Uint8Array(buffer)
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]))
  }
  return value
}

interface Bridge {
  strataToMain(message: Wire): void
  strataToWorker(message: Wire): void
  strataHook(message: object): Promise<{ value?: unknown; error?: string }>
}

/** Opens a page whose Worker runs the GPU engine (with the test hooks), and a GpuHost for it. */
async function gpuPage(page: Page): Promise<{ host: GpuHost; hook: <T>(message: object) => Promise<T> }> {
  await page.route('http://localhost/**', (route) =>
    route.request().url().endsWith('/worker.js')
      ? route.fulfill({ body: workerCode, contentType: 'text/javascript' })
      : route.fulfill({ body: '<!doctype html><title>GPU engine</title>', contentType: 'text/html' })
  )
  // localhost is a secure context, which WebGPU needs.
  await page.goto('http://localhost/index.html')
  return bridge(page, 'test-worker')
}

/**
 * Connects this test process, standing in for main, to the GPU engine Worker of an open page: either a Worker
 * started here from the test bundle, or the built page's own Worker, handed its port as the preload would.
 */
async function bridge(page: Page, worker: 'test-worker' | 'built-page'): Promise<{ host: GpuHost; hook: <T>(message: object) => Promise<T> }> {
  const listeners: Array<(m: FromGpuWorker) => void> = []
  await page.exposeFunction('strataToMain', (m: Wire) => listeners.forEach((l) => l(decode(m) as FromGpuWorker)))
  await page.evaluate(({ mode, portMessage }) => {
    const g = globalThis as unknown as Bridge & { postMessage(m: unknown, origin: string, transfer: unknown[]): void } & { Worker: new (url: string) => { postMessage(m: unknown, t?: unknown[]): void; addEventListener(t: string, l: (e: { data: { id?: number; value?: unknown; error?: string } }) => void): void } }
    const toB64 = (bytes: Uint8Array) => {
      let s = ''
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
      return btoa(s)
    }
    const enc = (v: unknown): unknown => {
      if (ArrayBuffer.isView(v)) return { $typed: v.constructor.name, b64: toB64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) }
      if (Array.isArray(v)) return v.map(enc)
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, enc(x)]))
      return v
    }
    const dec = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(dec)
      if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>
        if (typeof o.$typed === 'string') {
          const bytes = Uint8Array.from(atob(o.b64 as string), (c) => c.charCodeAt(0))
          return o.$typed === 'Float32Array' ? new Float32Array(bytes.buffer) : bytes
        }
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, dec(x)]))
      }
      return v
    }
    // The node type config has no DOM library: the channel's ports are typed by hand.
    type Port = { postMessage(m: unknown): void; onmessage: ((e: { data: unknown }) => void) | null }
    const channel = new MessageChannel() as unknown as { port1: Port; port2: Port }
    if (mode === 'built-page') {
      g.postMessage(portMessage, '*', [channel.port2])
      channel.port1.onmessage = (e) => g.strataToMain(enc(e.data))
      g.strataToWorker = (m) => channel.port1.postMessage(dec(m))
      return
    }
    const worker = new g.Worker('/worker.js')
    worker.postMessage(null, [channel.port2])
    channel.port1.onmessage = (e) => g.strataToMain(enc(e.data))
    g.strataToWorker = (m) => channel.port1.postMessage(dec(m))
    let next = 1
    const waiting = new Map<number, (v: { value?: unknown; error?: string }) => void>()
    worker.addEventListener('message', (e) => {
      const done = e.data?.id === undefined ? undefined : waiting.get(e.data.id)
      if (done) done(e.data)
    })
    g.strataHook = (m) => new Promise((resolve) => {
      const id = next++
      waiting.set(id, resolve)
      worker.postMessage({ ...m, id })
    })
  }, { mode: worker, portMessage: GPU_ENGINE_PORT_MESSAGE })
  const host: GpuHost = {
    port: {
      postMessage: (m: ToGpuWorker) => void page.evaluate((w) => (globalThis as unknown as Bridge).strataToWorker(w), encode(m) as object).catch(() => undefined),
      onMessage: (l) => void listeners.push(l)
    },
    onGone: () => undefined,
    close: () => undefined
  }
  const hook = async <T>(message: object): Promise<T> => {
    const r = await page.evaluate((m) => (globalThis as unknown as Bridge).strataHook(m), message)
    if (r.error) throw new Error(r.error)
    return r.value as T
  }
  return { host, hook }
}

/** Three separable classes of four numbers each: 90 training and 30 validation items. */
function blobs(): TrainingData {
  const make = (n: number, offset: number) => {
    const x = new Float32Array(n * 4)
    const y = new Float32Array(n * 3)
    for (let i = 0; i < n; i++) {
      const cls = i % 3
      for (let j = 0; j < 4; j++) x[i * 4 + j] = (j === cls ? 2 : 0) + Math.sin((i + offset) * 7.1 + j) * 0.3
      y[i * 3 + cls] = 1
    }
    return inMemorySource(x, y, 4, 3)
  }
  return { task: 'classification', inputShape: [4], targetSize: 3, train: make(90, 0), validation: make(30, 1000), classCounts: [30, 30, 30] }
}

function trainJob(runDir: string, epochs: number, resume = false): TrainJob {
  return {
    runId: 1,
    projectRoot: runDir,
    datasetId: 'blobs',
    spec: buildTemplate('tabular-classifier', { inputShape: [4], classes: 3, task: 'classification' }),
    config: TrainConfig.parse({ epochs, batchSize: 45, learningRate: 0.05, optimizer: 'adam', earlyStopping: { enabled: false } }),
    runDir,
    resume
  }
}

const loadBlobs = async () => ({ data: blobs(), preprocessing: { kind: 'test' } })
const DEPS: JobDeps = { loadData: loadBlobs, buildModel: (tf, job, data) => buildModelFor(tf, ModelSpecSchema.parse(job.spec), data) }

/** The CPU engine's job code behind an EnginePort in this process (the forked engine runs the same function). */
function cpuEngineHere(): EnginePort {
  const replies: Array<Parameters<EnginePort['onMessage']>[0]> = []
  const exits: Array<(code: number | null) => void> = []
  const controls = new JobControls()
  return {
    postMessage: (m) => {
      if (m.type !== 'train') return
      const job = { ...m.job, config: { ...m.job.config, backend: 'cpu' as const } }
      void runTrainingJob(job, (event) => replies.forEach((l) => l({ type: 'job', event })), controls, DEPS).then(() => exits.forEach((l) => l(0)))
    },
    onMessage: (l) => void replies.push(l),
    onExit: (l) => void exits.push(l),
    kill: () => controls.stop()
  }
}

/** Starts a job on a port and resolves with all its events once the port exits; `onEvent` sees each as it comes. */
function runJob(port: EnginePort, job: TrainJob, onEvent: (e: JobEvent) => void = () => undefined): Promise<JobEvent[]> {
  const events: JobEvent[] = []
  return new Promise((resolve) => {
    port.onMessage((m) => {
      if ('type' in m && m.type === 'job') {
        events.push(m.event)
        onEvent(m.event)
      }
    })
    port.onExit(() => resolve(events))
    port.postMessage({ type: 'train', job })
  })
}

const epochsOf = (events: JobEvent[]) => events.flatMap((e) => (e.type === 'epoch' ? [e] : []))

test('detection: SwiftShader counts as software, so production refuses it; an opt-in starts WebGPU or WebGL on it', async ({ page }) => {
  const { hook } = await gpuPage(page)
  type Detection = { backend: string | null; device: string | null; software: boolean; maxTensorElements: number | null; skipped: Array<{ id: string; key: string; params: Record<string, string> }> }
  const refused = await hook<Detection>({ type: 'detect', allowSoftware: false })
  expect(refused.backend).toBeNull()
  const webgl = refused.skipped.find((s) => s.id === 'webgl')!
  expect(webgl.key).toBe('gpuSoftware')
  expect(webgl.params.device).toMatch(/SwiftShader/)
  // --enable-unsafe-webgpu gives a SwiftShader fallback adapter, which is refused the same way.
  expect(refused.skipped.find((s) => s.id === 'webgpu')?.key).toBe('gpuSoftware')

  const webglAllowed = await hook<Detection>({ type: 'detect', allowSoftware: true, backends: ['webgl'] })
  expect(webglAllowed.backend).toBe('webgl')
  expect(webglAllowed.software).toBe(true)
  expect(webglAllowed.device).toMatch(/SwiftShader/)
  expect(webglAllowed.maxTensorElements).toBeGreaterThan(1_000_000)

  const webgpuAllowed = await hook<Detection>({ type: 'detect', allowSoftware: true })
  expect(webgpuAllowed.backend).toBe('webgpu')
  expect(webgpuAllowed.software).toBe(true)
  expect(webgpuAllowed.device).toMatch(/swiftshader/i)
})

for (const gpu of ['webgl', 'webgpu'] as const)
for (const family of ['dense', 'conv2d', 'pooling', 'batchnorm', 'embedding', 'lstm', 'dropout'] as const) {
  test(`gradients on the GPU match the cpu backend: backend=${gpu}; family=${family}`, async ({ page }) => {
    const { hook } = await gpuPage(page)
    const { relativeError, values } = await hook<{ relativeError: number; values: number }>({ type: 'parity', family, gpu })
    expect(values).toBeGreaterThan(0)
    expect(relativeError).toBeLessThan(1e-3)
  })
}

for (const gpu of ['webgl', 'webgpu'] as const)
test(`a run on the GPU engine learns, its checkpoints land in the run folder, and the CPU engine resumes from them: backend=${gpu}`, async ({ page }) => {
  const { host } = await gpuPage(page)
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-gpu-run-'))
  const port = gpuEnginePort(host, { allowSoftware: true, backends: [gpu], calibrate: false, loadData: loadBlobs })
  const events = await runJob(port, trainJob(runDir, 3))
  expect(events.find((e) => e.type === 'failed')).toBeUndefined()
  expect(events[0]).toMatchObject({ type: 'backend', backend: gpu })
  expect(events[1]).toMatchObject({ type: 'preprocessing' })
  const epochs = epochsOf(events)
  expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3])
  expect(epochs[2].metrics.loss).toBeLessThan(epochs[0].metrics.loss)
  expect(events.filter((e) => e.type === 'checkpoint' && e.kind === 'last').length).toBe(3)
  expect(events.at(-1)).toMatchObject({ type: 'done', status: 'completed' })
  expect(JSON.parse(fs.readFileSync(path.join(runDir, 'checkpoints', 'last', 'state.json'), 'utf8')).epoch).toBe(3)

  const resumed = await runJob(cpuEngineHere(), trainJob(runDir, 5, true))
  expect(resumed.find((e) => e.type === 'failed')).toBeUndefined()
  expect(resumed[0]).toMatchObject({ type: 'backend', backend: 'cpu' })
  const more = epochsOf(resumed)
  expect(more.map((e) => e.epoch)).toEqual([4, 5])
  // Resumed weights, not fresh ones: the loss goes on from where the GPU left it.
  expect(more[0].metrics.loss).toBeLessThan(epochs[0].metrics.loss)
  fs.rmSync(runDir, { recursive: true, force: true })
})

test('losing the WebGL context mid-run: the run carries on from the last checkpoint in the CPU engine', async ({ page }) => {
  const { host, hook } = await gpuPage(page)
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-gpu-lost-'))
  const port = preferGpuEngine(() => gpuEnginePort(host, { allowSoftware: true, backends: ['webgl'], calibrate: false, loadData: loadBlobs }), cpuEngineHere)
  let lost = false
  const events = await runJob(port, trainJob(runDir, 4), (e) => {
    if (e.type === 'checkpoint' && !lost) {
      lost = true
      void hook<boolean>({ type: 'lose-context' })
    }
  })
  const backends = events.flatMap((e) => (e.type === 'backend' ? [e] : []))
  expect(backends.map((b) => b.backend)).toEqual(['webgl', 'cpu'])
  expect(backends[1].reasons[0]).toMatchObject({ id: 'gpu' })
  expect(backends[1].reasons[0].reason).toMatch(/GPU stopped responding.*WebGL context was lost/)
  expect(events.find((e) => e.type === 'failed')).toBeUndefined()
  const epochs = epochsOf(events).map((e) => e.epoch)
  // Every epoch trained once, on either engine: the CPU picked up right after the GPU's last checkpoint.
  expect(epochs).toEqual([1, 2, 3, 4].slice(0, epochs.length))
  expect(epochs.at(-1)).toBe(4)
  expect(events.at(-1)).toMatchObject({ type: 'done', status: 'completed' })
  fs.rmSync(runDir, { recursive: true, force: true })
})

test('a hung GPU Worker misses its heartbeats: the run carries on from the last checkpoint in the CPU engine', async ({ page }) => {
  const { host, hook } = await gpuPage(page)
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-gpu-hung-'))
  const gpuPort = () => gpuEnginePort(host, { allowSoftware: true, backends: ['webgl'], calibrate: false, loadData: loadBlobs, heartbeatMs: 200, hangAfterMs: 8_000 })
  let frozen = false
  const events = await runJob(preferGpuEngine(gpuPort, cpuEngineHere), trainJob(runDir, 4), (e) => {
    if (e.type === 'checkpoint' && !frozen) {
      frozen = true
      void hook<boolean>({ type: 'freeze', ms: 30_000 }).catch(() => undefined)
    }
  })
  const backends = events.flatMap((e) => (e.type === 'backend' ? [e] : []))
  expect(backends.map((b) => b.backend)).toEqual(['webgl', 'cpu'])
  expect(backends[1].reasons[0].reason).toMatch(/stopped answering/)
  const cpuEpochs = epochsOf(events.slice(events.indexOf(backends[1])))
  // The CPU resumed from a checkpoint the GPU wrote, not from scratch.
  expect(cpuEpochs[0].epoch).toBeGreaterThan(1)
  expect(cpuEpochs.at(-1)?.epoch).toBe(4)
  expect(events.at(-1)).toMatchObject({ type: 'done', status: 'completed' })
  fs.rmSync(runDir, { recursive: true, force: true })
})

test('calibration decides: the GPU is kept only when faster than the CPU, and the figures are on the run', async ({ page }) => {
  const { host } = await gpuPage(page)
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-gpu-cal-'))
  const port = preferGpuEngine(() => gpuEnginePort(host, { allowSoftware: true, backends: ['webgl'], calibrate: true, loadData: loadBlobs }), cpuEngineHere)
  const events = await runJob(port, trainJob(runDir, 1))
  const backend = events.find((e) => e.type === 'backend')!
  expect(backend.type === 'backend').toBe(true)
  if (backend.type !== 'backend') return
  const figures = /\(([\d.]+) vs ([\d.]+) samples\/s/.exec(backend.reasons[0].reason)
  expect(figures, backend.reasons[0].reason).not.toBeNull()
  const [gpu, cpu] = [Number(figures![1]), Number(figures![2])]
  if (backend.backend === 'webgl') {
    expect(backend.reasons[0].reason).toMatch(/^GPU: .*SwiftShader.* via WebGL/)
    expect(gpu).toBeGreaterThan(cpu)
  } else {
    expect(backend.reasons[0]).toMatchObject({ id: 'gpu' })
    expect(backend.reasons[0].reason).toMatch(/GPU slower for this model/)
    expect(gpu).toBeLessThanOrEqual(cpu)
  }
  expect(events.at(-1)).toMatchObject({ type: 'done', status: 'completed' })
  fs.rmSync(runDir, { recursive: true, force: true })
})

test('the built GPU engine page (its Vite worker bundle, under the studio\'s CSP) trains a run over its port', async ({ page, studio }) => {
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(err.message))
  // Browsers ask every page for /favicon.ico, which the studio does not have; any other failed request counts.
  page.on('response', (r) => void (r.status() >= 400 && !r.url().endsWith('/favicon.ico') && problems.push(`${r.status()} ${r.url()}`)))
  await page.goto(`${studio.origin}/gpu-engine.html?token=${studio.token}`)
  const { host } = await bridge(page, 'built-page')
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-gpu-built-'))
  const events = await runJob(gpuEnginePort(host, { allowSoftware: true, backends: ['webgl'], calibrate: false, loadData: loadBlobs }), trainJob(runDir, 2))
  expect(events.find((e) => e.type === 'failed')).toBeUndefined()
  expect(events[0]).toMatchObject({ type: 'backend', backend: 'webgl' })
  expect(epochsOf(events).map((e) => e.epoch)).toEqual([1, 2])
  expect(events.at(-1)).toMatchObject({ type: 'done', status: 'completed' })
  expect(problems).toEqual([])
  fs.rmSync(runDir, { recursive: true, force: true })
})
