import type * as tfType from '@tensorflow/tfjs'
import { StrataError, toAppError } from '../../../common/errors'
import { translate } from '../../../common/i18n'
import { ModelSpecSchema } from '../../../common/model/spec'
import { captureCheckpoint, modelFromArtifacts, restoreOptimizer } from '../train/checkpoint-artifacts'
import type { TrainingState } from '../train/checkpoint-artifacts'
import { augmentationLayers, compileModel } from '../train/compile-model'
import { withSeed } from '../train/seeded-random'
import type { Batch, TrainingData } from '../data/data-source'
import { makeOptimizer, train } from '../train/trainer'
import { calibrate, CALIBRATION_LOSS_TOLERANCE } from './calibration'
import { detectGpuBackend, type GpuDetection } from './detect'
import type { FromGpuWorker, GpuPort, GpuTrainJob, ToGpuWorker } from './gpu-protocol'
import { PortBatches } from './port-source'

type Tf = typeof tfType

/** Progress events go out at most this often, as in the CPU engine. */
const PROGRESS_INTERVAL_MS = 100
const explain = (key: string, params: Record<string, string | number>) => translate('en', `backends.reasons.${key}`, params)
const round = (n: number) => Math.round(n * 10) / 10
/** Why the GPU cannot take a job: GPU_UNAVAILABLE's message adds its own full stop after the reason. */
const unavailable = (reason: string, detail?: string) => new StrataError('GPU_UNAVAILABLE', { reason: reason.replace(/\.$/, '') }, detail)

function checkOutputs(model: tfType.LayersModel, data: TrainingData): void {
  const outputs = model.outputs[0].shape[model.outputs[0].shape.length - 1]
  if (outputs !== data.targetSize) {
    model.dispose()
    throw new StrataError('DATA_MODEL_MISMATCH', { reason: `the model's last layer gives ${outputs} outputs but this dataset needs ${data.targetSize} (${data.task})` })
  }
}

/** The number of values in the model's largest tensor for a batch: a weight or a layer's output. */
export function largestTensor(model: tfType.LayersModel, batchSize: number): number {
  let largest = 0
  // Weight shapes are fully known once a model is built.
  for (const w of model.weights) largest = Math.max(largest, (w.shape as number[]).reduce((a, b) => a * b, 1))
  for (const layer of model.layers) {
    const shapes = (Array.isArray(layer.outputShape[0]) ? layer.outputShape : [layer.outputShape]) as Array<Array<number | null>>
    for (const shape of shapes) largest = Math.max(largest, shape.reduce<number>((a, b) => a * (b ?? batchSize), 1))
  }
  return largest
}

/**
 * Watches the GPU a job trains on: a lost WebGL context (a driver reset, a sleeping laptop, `loseContext()`) or a
 * lost WebGPU device (`device.lost`). `lost` rejects with GPU_LOST at once, because reads pending on a lost GPU may
 * never settle, so the job cannot wait for its training loop to notice.
 */
class GpuWatch {
  private error: StrataError | null = null
  private readonly gl: { isContextLost(): boolean; canvas?: { addEventListener(type: string, l: () => void): void } } | null = null
  readonly lost: Promise<never>

  constructor(tf: Tf, detection: GpuDetection) {
    let fail: (reason: string) => void = () => undefined
    this.lost = new Promise<never>((_, reject) => {
      fail = (reason) => {
        this.error ??= new StrataError('GPU_LOST', { reason })
        reject(this.error)
      }
    })
    this.lost.catch(() => undefined)
    if (detection.backend === 'webgl') {
      this.gl = (tf.findBackend('webgl') as unknown as { gpgpu?: { gl?: GpuWatch['gl'] } } | null)?.gpgpu?.gl ?? null
      this.gl?.canvas?.addEventListener('webglcontextlost', () => fail('the WebGL context was lost'))
    } else if (detection.backend === 'webgpu') {
      const device = (tf.findBackend('webgpu') as unknown as { device?: { lost?: Promise<{ message?: string }> } } | null)?.device
      void device?.lost?.then((info) => fail(`the WebGPU device was lost${info.message ? `: ${info.message}` : ''}`))
    }
  }

  /** GPU_LOST when the GPU is gone by now, else null. */
  current(): StrataError | null {
    if (!this.error && this.gl?.isContextLost()) this.error = new StrataError('GPU_LOST', { reason: 'the WebGL context was lost' })
    return this.error
  }

  /** Throws GPU_LOST when the GPU is gone. */
  check(): void {
    const error = this.current()
    if (error) throw error
  }
}

/**
 * The GPU engine's side of one training job, run inside a Worker: picks a real GPU backend, optionally calibrates it
 * against the CPU, then trains with the CPU engine's own loop on batches streamed over `port`, sending the same
 * job events and checkpoint artifacts back. A job the GPU should not run fails with GPU_UNAVAILABLE (or GPU_LOST
 * mid-run), which tells the host to carry on in the CPU engine. Never throws.
 */
export async function runGpuJob(tf: Tf, job: GpuTrainJob, batches: PortBatches, controls: { signal: AbortSignal; waitIfPaused: () => Promise<void> }, post: (m: FromGpuWorker) => void): Promise<void> {
  const send = (event: Extract<FromGpuWorker, { type: 'event' }>['event']) => post({ type: 'event', event })
  let model: tfType.LayersModel | null = null
  let optimizer: tfType.Optimizer | null = null
  let watch: GpuWatch | null = null
  try {
    const detection = await detectGpuBackend(tf, { allowSoftware: job.allowSoftware, backends: job.backends })
    const skipped = detection.skipped.map((s) => ({ id: s.id, reason: explain(s.key, s.params) }))
    if (!detection.backend) throw unavailable(skipped.map((s) => s.reason).join(' '), JSON.stringify(detection.skipped))
    const gpu = (watch = new GpuWatch(tf, detection))
    const data: TrainingData = {
      task: job.data.task,
      inputShape: job.data.inputShape,
      targetSize: job.data.targetSize,
      classCounts: job.data.classCounts,
      train: batches.source('train', job.data.trainSize),
      validation: job.data.validationSize > 0 ? batches.source('validation', job.data.validationSize) : null
    }
    augmentationLayers(tf)
    const build = () => {
      const m = withSeed(job.config.seed, 0, () => compileModel(tf, ModelSpecSchema.parse(job.spec), { inputShape: data.inputShape }))
      checkOutputs(m, data)
      return m
    }

    let resumeFrom: TrainingState | undefined
    optimizer = makeOptimizer(tf, job.config)
    if (job.checkpoint) {
      model = await modelFromArtifacts(tf, job.checkpoint)
      resumeFrom = await restoreOptimizer(tf, job.checkpoint, optimizer)
    } else {
      model = build()
    }
    const largest = largestTensor(model, job.config.batchSize)
    if (detection.maxTensorElements !== null && largest > detection.maxTensorElements) {
      throw unavailable(explain('gpuTooLarge', { elements: largest, limit: detection.maxTensorElements }))
    }

    const api = detection.backend === 'webgpu' ? 'WebGPU' : 'WebGL'
    const reasons = [...skipped]
    if (job.calibrate && !job.checkpoint) {
      let first: Batch | undefined
      for await (const b of data.train.batches(job.config.batchSize, job.config.seed)) {
        first = b
        break
      }
      if (first) {
        const c = await calibrate(tf, detection.backend, build, job.config, data, first, job.cpuReference)
        const figures = { gpu: round(c.gpuSamplesPerSecond), cpu: round(c.cpuSamplesPerSecond) }
        const agree = Math.abs(c.gpuLoss - c.cpuLoss) <= CALIBRATION_LOSS_TOLERANCE * Math.max(1, Math.abs(c.cpuLoss))
        if (!agree) throw unavailable(`its loss (${c.gpuLoss}) differs from the CPU's (${c.cpuLoss})`)
        if (c.gpuSamplesPerSecond <= c.cpuSamplesPerSecond) throw unavailable(explain('gpuSlower', figures))
        reasons.unshift({ id: detection.backend, reason: explain('gpuChosen', { device: detection.device ?? '', api, ...figures }) })
      }
    }
    // The deciding reason goes first: the calibration figures, or just the device when none were taken (a resumed run).
    if (reasons[0]?.id !== detection.backend) reasons.unshift({ id: detection.backend, reason: explain('gpuOn', { device: detection.device ?? '', api }) })
    send({ type: 'backend', backend: detection.backend, reasons })

    const trained = model
    const opt = optimizer
    let lastSent = 0
    let memoryAfterFirstEpoch: number | null = null
    let memoryWarned = false
    const training = train(tf, trained, opt, data, job.config, {
      resumeFrom,
      signal: controls.signal,
      waitIfPaused: controls.waitIfPaused,
      onBatch: (b) => {
        gpu.check()
        const now = Date.now()
        if (now - lastSent < PROGRESS_INTERVAL_MS && b.batch !== b.batches) return
        lastSent = now
        send({ type: 'progress', epochs: job.config.epochs, ...b })
      },
      onEpoch: async (e) => {
        gpu.check()
        send({ type: 'epoch', epoch: e.epoch, metrics: e.metrics, learningRate: e.learningRate, seconds: e.seconds })
        post({ type: 'checkpoint', kind: 'last', epoch: e.epoch, artifacts: await captureCheckpoint(tf, trained, opt, e.state) })
        if (e.improved) post({ type: 'checkpoint', kind: 'best', epoch: e.epoch, artifacts: await captureCheckpoint(tf, trained, opt, e.state) })
        // Tensors that pile up epoch after epoch would exhaust GPU memory long before the run ends.
        const tensors = tf.memory().numTensors
        memoryAfterFirstEpoch ??= tensors
        if (tensors <= memoryAfterFirstEpoch || memoryWarned) return
        memoryWarned = true
        send({ type: 'warning', key: 'gpuMemoryGrowing', params: { tensors, first: memoryAfterFirstEpoch } })
      }
    })
    const end = await Promise.race([training, gpu.lost])
    if (end.reason === 'early-stopped') {
      send({ type: 'warning', key: 'earlyStopped', params: { epoch: end.epoch, bestEpoch: end.bestEpoch, monitor: job.config.earlyStopping.monitor } })
    }
    send({ type: 'done', status: end.reason === 'stopped' ? 'stopped' : 'completed', earlyStopped: end.reason === 'early-stopped', bestEpoch: end.bestEpoch })
  } catch (err) {
    // Once the context is gone TF.js fails in many ways (shader compiles, reads); they all mean the same thing.
    send({ type: 'failed', error: toAppError(watch?.current() ?? err) })
  } finally {
    model?.dispose()
    optimizer?.dispose()
    post({ type: 'finished' })
  }
}

/** Serves one GPU engine over a message port: the job, its batches, pause/resume/stop and heartbeats. */
export function serveGpuEngine(tf: Tf, port: GpuPort<ToGpuWorker, FromGpuWorker>): void {
  const batches = new PortBatches((m) => port.postMessage(m))
  const abort = new AbortController()
  let paused: { promise: Promise<void>; release: () => void } | null = null
  let running = false
  port.onMessage((message) => {
    switch (message.type) {
      case 'train':
        if (running) return
        running = true
        void runGpuJob(tf, message.job, batches, { signal: abort.signal, waitIfPaused: () => paused?.promise ?? Promise.resolve() }, (m) => port.postMessage(m))
        break
      case 'batch':
        batches.receive(message.stream, message.batch)
        break
      case 'control':
        if (message.action === 'pause' && !paused) {
          let release!: () => void
          const promise = new Promise<void>((resolve) => (release = resolve))
          paused = { promise, release }
        } else if (message.action !== 'pause') {
          paused?.release()
          paused = null
          if (message.action === 'stop') abort.abort()
        }
        break
      case 'ping':
        port.postMessage({ type: 'pong', at: message.at })
        break
    }
  })
}
