import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect, test } from './fixtures'
import { gpuEngineNote } from '../common/gpu-engine'
import { bridge, bundleTestWorker, GPU_CHROMIUM_ARGS, gpuPage as openGpuPage } from './gpu/bridge'
import { TrainConfig } from '../common/contract'
import { readPreprocessing, type Preprocessing } from '../common/data/preprocessing'
import { buildTemplate } from '../common/model/templates'
import { inMemorySource, type TrainingData } from '../electron/engine/data/data-source'
import { preferGpuEngine } from '../electron/engine/gpu/engine-selector'
import { gpuEnginePort } from '../electron/engine/gpu/gpu-engine-port'
import type { EnginePort, JobEvent, TrainJob } from '../electron/engine/process/protocol'
import { buildModelFor } from '../electron/engine/train/job-deps'
import { JobControls, runTrainingJob, type JobDeps } from '../electron/engine/train/training-job'
import { ModelSpecSchema } from '../common/model/spec'
import type { RunDetail, RunSummary } from '../common/contract'
import { forkEngine } from '../electron/engine/process/engine-client'
import type { CpuReference, CpuReferenceJob } from '../electron/engine/gpu/calibration'
import { cpuReferenceFrom } from '../electron/engine/gpu/cpu-reference'
import { BUILT_ENGINE, callChannel, testServices } from '../electron/services/services.test-helpers'

// Headless Chromium runs WebGL (and, with --enable-unsafe-webgpu, WebGPU) on SwiftShader: correct but software, so
// these tests opt in to it. They check correctness on tiny shapes and a few steps, never speed.
test.use({
  launchOptions: {
    executablePath: process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium',
    args: GPU_CHROMIUM_ARGS
  }
})

let workerCode = ''
test.beforeAll(async () => {
  workerCode = await bundleTestWorker()
})
const gpuPage = (page: import('@playwright/test').Page) => openGpuPage(page, workerCode)

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

/** The blobs' preprocessing: four plain numbers into three classes. */
const BLOBS_PREPROCESSING: Preprocessing = readPreprocessing({
  kind: 'table',
  features: [0, 1, 2, 3].map((position) => ({ column: `x${position}`, position, type: 'number' as const, mean: 0, std: 1 })),
  classes: ['a', 'b', 'c'],
  target: 'blob',
  targetMean: 0,
  targetStd: 1,
  task: 'classification'
})
const loadBlobs = async () => ({ data: blobs(), preprocessing: BLOBS_PREPROCESSING })
const DEPS: JobDeps = { loadData: loadBlobs, buildModel: (tf, job, data) => buildModelFor(tf, ModelSpecSchema.parse(job.spec), data, job.projectRoot, job.config.seed) }

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

for (const { gpu, hook: lose, reason } of [
  { gpu: 'webgl', hook: 'lose-context', reason: /GPU stopped responding.*WebGL context was lost/ },
  { gpu: 'webgpu', hook: 'lose-device', reason: /GPU stopped responding.*WebGPU device was lost/ }
] as const)
test(`losing the GPU mid-run (${lose}): the run carries on from the last checkpoint in the CPU engine: backend=${gpu}`, async ({ page }) => {
  const { host, hook } = await gpuPage(page)
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-gpu-lost-'))
  const port = preferGpuEngine(() => gpuEnginePort(host, { allowSoftware: true, backends: [gpu], calibrate: false, loadData: loadBlobs }), cpuEngineHere)
  let lost = false
  const events = await runJob(port, trainJob(runDir, 4), (e) => {
    if (e.type === 'checkpoint' && !lost) {
      lost = true
      void hook<boolean>({ type: lose })
    }
  })
  const backends = events.flatMap((e) => (e.type === 'backend' ? [e] : []))
  expect(backends.map((b) => b.backend)).toEqual([gpu, 'cpu'])
  expect(backends[1].reasons[0]).toMatchObject({ id: 'gpu' })
  expect(backends[1].reasons[0].reason).toMatch(reason)
  expect(events.find((e) => e.type === 'failed')).toBeUndefined()
  const epochs = epochsOf(events).map((e) => e.epoch)
  // Every epoch trained once, on either engine: the CPU picked up right after the GPU's last checkpoint.
  expect(epochs).toEqual([1, 2, 3, 4].slice(0, epochs.length))
  expect(epochs.at(-1)).toBe(4)
  expect(events.at(-1)).toMatchObject({ type: 'done', status: 'completed' })
  fs.rmSync(runDir, { recursive: true, force: true })
})

test('pause holds a GPU run between batches, resume continues it, stop ends it as stopped', async ({ page }) => {
  const { host } = await gpuPage(page)
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-gpu-pause-'))
  const port = gpuEnginePort(host, { allowSoftware: true, backends: ['webgl'], calibrate: false, loadData: loadBlobs })
  let steps = 0
  let paused: number | null = null
  const events = runJob(port, trainJob(runDir, 50), (e) => {
    if (e.type !== 'progress') return
    steps = e.step
    if (paused === null) {
      paused = e.step
      port.postMessage({ type: 'control', action: 'pause' })
    }
  })
  await expect.poll(() => paused).not.toBeNull()
  await new Promise((r) => setTimeout(r, 1_500))
  // At most the step already under way when the pause arrived.
  expect(steps).toBeLessThanOrEqual(paused! + 1)
  port.postMessage({ type: 'control', action: 'resume' })
  await expect.poll(() => steps, { timeout: 30_000 }).toBeGreaterThan(paused! + 2)
  port.postMessage({ type: 'control', action: 'stop' })
  const all = await events
  expect(all.at(-1)).toMatchObject({ type: 'done', status: 'stopped' })
  expect(epochsOf(all).length).toBeLessThan(50)
  fs.rmSync(runDir, { recursive: true, force: true })
})

test('a model whose largest tensor exceeds the GPU\'s texture limit trains on the CPU engine, which says why', async ({ page }) => {
  const { host, hook } = await gpuPage(page)
  await hook({ type: 'texture-limit', size: 16 })
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-gpu-limit-'))
  const port = preferGpuEngine(() => gpuEnginePort(host, { allowSoftware: true, backends: ['webgl'], calibrate: false, loadData: loadBlobs }), cpuEngineHere)
  const events = await runJob(port, trainJob(runDir, 1))
  const backends = events.flatMap((e) => (e.type === 'backend' ? [e] : []))
  expect(backends.map((b) => b.backend)).toEqual(['cpu'])
  // tabular-classifier's first Dense layer: 45 items × 64 units = 2,880 values against 16 × 16 = 256.
  expect(backends[0].reasons[0].reason).toBe('This run cannot use the GPU: The model has a tensor of 2880 values, more than this GPU can hold in one texture (256). It trains on the CPU instead.')
  expect(events.at(-1)).toMatchObject({ type: 'done', status: 'completed' })
  fs.rmSync(runDir, { recursive: true, force: true })
})

test('a model with a pretrained base is left to the CPU engine, before any data is read or the Worker is asked', async ({ page }) => {
  const { host } = await gpuPage(page)
  const sent: string[] = []
  const watched = { ...host, port: { ...host.port, postMessage: (m: Parameters<typeof host.port.postMessage>[0]) => (sent.push(m.type), host.port.postMessage(m)) } }
  let loaded = false
  const port = gpuEnginePort(watched, { allowSoftware: true, calibrate: false, loadData: async () => ((loaded = true), loadBlobs()) })
  const job = { ...trainJob(os.tmpdir(), 1), spec: buildTemplate('pretrained-image', { inputShape: [32, 32, 3], classes: 3, task: 'classification' }) }
  const events = await runJob(port, job)
  expect(events).toHaveLength(1)
  expect(events[0]).toMatchObject({ type: 'failed', error: { code: 'GPU_UNAVAILABLE' } })
  expect(events[0].type === 'failed' && events[0].error.message).toMatch(/pretrained base train in the CPU engine/)
  expect(loaded).toBe(false)
  expect(sent.filter((t) => t === 'train')).toEqual([])
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

test('calibration decides against the CPU engine\'s own speed: the GPU is kept only when faster, and the figures are on the run', async ({ page }) => {
  const { host } = await gpuPage(page)
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-gpu-cal-'))
  const measured: CpuReference[] = []
  const fromEngine = cpuReferenceFrom(() => forkEngine(BUILT_ENGINE))
  const cpuReference = async (job: CpuReferenceJob) => {
    measured.push(await fromEngine(job))
    return measured[0]
  }
  const port = preferGpuEngine(() => gpuEnginePort(host, { allowSoftware: true, backends: ['webgl'], calibrate: true, cpuReference, loadData: loadBlobs }), cpuEngineHere)
  const events = await runJob(port, trainJob(runDir, 1))
  // The forked CPU engine timed the model on its own backend, never a GPU one.
  expect(measured).toHaveLength(1)
  expect(['node', 'wasm', 'cpu']).toContain(measured[0].backend)
  expect(measured[0].samplesPerSecond).toBeGreaterThan(0)
  const backend = events.find((e) => e.type === 'backend')
  if (backend?.type !== 'backend') throw new Error('no backend event')
  const figures = /\(([\d.]+) vs ([\d.]+) samples\/s/.exec(backend.reasons[0].reason)
  expect(figures, backend.reasons[0].reason).not.toBeNull()
  const [gpu, cpu] = [Number(figures![1]), Number(figures![2])]
  expect(cpu).toBe(Math.round(measured[0].samplesPerSecond * 10) / 10)
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

test('through the training service: a run trains on the GPU engine, is recorded with its GPU note, and resumes in the forked CPU engine', async ({ page }) => {
  const { host } = await gpuPage(page)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-gpu-service-'))
  let launches = 0
  // The first job gets the GPU engine; later ones find none, as on a laptop whose GPU went away.
  const launchGpu = () => (launches++ === 0 ? gpuEnginePort(host, { allowSoftware: true, backends: ['webgl'], calibrate: false }) : null)
  const services = testServices(dir, () => undefined, { launchEngine: () => preferGpuEngine(launchGpu, () => forkEngine(BUILT_ENGINE)) })
  const call = <T>(channel: Parameters<typeof callChannel>[1], payload: unknown) => callChannel<T>(services, channel, payload)
  try {
    await call('project:create', { name: 'Blobs' })
    const csv = path.join(dir, 'blobs.csv')
    const rows = ['a,b,c,kind']
    for (let i = 0; i < 240; i++) rows.push(`${(i % 3) * 2 + Math.sin(i)},${Math.cos(i * 3)},${i % 3 === 1 ? 2 : 0},${['x', 'y', 'z'][i % 3]}`)
    fs.writeFileSync(csv, rows.join('\n') + '\n')
    const { datasetId } = await call<{ datasetId: string }>('dataset:import', { path: csv, kind: 'table', target: 'kind' })
    const model = await call<{ id: string }>('model:create', { template: 'tabular-classifier', fit: { inputShape: [3], classes: 3 } })
    // Enough epochs that the stop below always lands mid-run, however fast this machine is.
    const EPOCHS = 40
    const run = await call<RunSummary>('training:start', { datasetId, modelId: model.id, config: { epochs: EPOCHS, batchSize: 16, learningRate: 0.05 } })
    const detail = () => call<RunDetail>('training:run', { runId: run.id })

    // Stop once the GPU has checkpointed an epoch, then resume: the rest trains in the CPU engine from that checkpoint.
    await expect.poll(async () => (await detail()).checkpoints.length, { timeout: 60_000 }).toBeGreaterThan(0)
    await call('training:stop', { runId: run.id })
    await expect.poll(async () => (await detail()).status, { timeout: 60_000 }).toBe('stopped')
    const onGpu = await detail()
    expect(onGpu.backend).toBe('webgl')
    expect(gpuEngineNote(onGpu.backendReasons)).toMatch(/^GPU: .*SwiftShader.* via WebGL/)
    const gpuEpochs = onGpu.history.map((h) => h.epoch)

    await call('training:resume', { runId: run.id })
    await expect.poll(async () => (await detail()).status, { timeout: 90_000 }).toBe('completed')
    const done = await detail()
    expect(done.backend).not.toBe('webgl')
    expect(done.history.map((h) => h.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1))
    expect(done.history.slice(0, gpuEpochs.length).map((h) => h.epoch)).toEqual(gpuEpochs)
    expect(launches).toBe(2)
  } finally {
    services.dispose()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
