import { StrataError, toAppError } from '../../../common/errors'
import type { Preprocessing } from '../../../common/data/preprocessing'
import { translate } from '../../../common/i18n'
import { usesBase } from '../../../common/model/bases'
import { ModelSpecSchema } from '../../../common/model/spec'
import { hasCheckpoint, readCheckpoint, writeCheckpoint } from '../train/checkpoint'
import type { Batch, TrainingData } from '../data/data-source'
import { prepareTrainingData } from '../data/prepare-data'
import type { EnginePort, EngineReply, EngineRequest, JobEvent, TrainJob } from '../process/protocol'
import { checkpointDir } from '../../store/run-folder'
import type { CpuReference, CpuReferenceJob } from './calibration'
import { GPU_BACKENDS, type GpuBackendId } from './detect'
import { BATCHES_IN_FLIGHT, type FromGpuWorker, type GpuPort, type ToGpuWorker } from './gpu-protocol'

/** A started GPU engine host (a hidden window's Worker, or a test page's): its port, and word when it dies. */
export interface GpuHost {
  port: GpuPort<FromGpuWorker, ToGpuWorker>
  /** Called once if the host goes away by itself (crashed window, lost device). */
  onGone(listener: (reason: string) => void): void
  close(): void
}

/** How the main side of a GPU engine behaves. */
export interface GpuEngineOptions {
  /** Accept software renderers (tests in headless Chromium); production leaves it false. */
  allowSoftware: boolean
  /** The GPU backends to try, best first (default: WebGPU, then WebGL). */
  backends?: readonly GpuBackendId[]
  /** Time the GPU against the CPU backend first and give it up when slower. */
  calibrate: boolean
  /** A ping goes to the Worker this often. */
  heartbeatMs?: number
  /** No answer for this long means the Worker hangs: the run fails with GPU_LOST. Shader compiles take seconds. */
  hangAfterMs?: number
  /** Times the job's model on its first batch in the CPU engine, for calibration; without it the GPU is compared with TF.js's `cpu` backend. */
  cpuReference?: (job: CpuReferenceJob) => Promise<CpuReference>
  /** The data of a job; by default the project's store through the CPU engine's own pipeline. */
  loadData?: (job: TrainJob) => Promise<{ data: TrainingData; preprocessing: Preprocessing }>
}

interface Stream {
  batches: AsyncIterator<Batch>
  credit: number
  pumping: boolean
}

const storeData = (job: TrainJob) => prepareTrainingData(job.projectRoot, job.datasetId, ModelSpecSchema.parse(job.spec), job.config)

/** The CPU engine's speed on the job's model and the first batch the GPU will calibrate on. */
async function measureOnCpu(job: TrainJob, data: TrainingData, measure: (job: CpuReferenceJob) => Promise<CpuReference>): Promise<CpuReference | null> {
  for await (const batch of data.train.batches(job.config.batchSize, job.config.seed)) {
    return measure({ spec: job.spec, config: job.config, shape: { task: data.task, inputShape: data.inputShape, targetSize: data.targetSize }, batch })
  }
  return null
}

/**
 * The main side of a GPU engine as an {@link EnginePort}, so services cannot tell it from the engine process: it
 * prepares a training job's data, streams batches to the Worker a few at a time, writes the checkpoints it sends
 * back exactly where the CPU engine writes its own, forwards its events, and watches it with heartbeats. It only
 * trains; other requests are answered with ENGINE_UNAVAILABLE.
 */
export function gpuEnginePort(host: GpuHost, options: GpuEngineOptions): EnginePort {
  const replyListeners: Array<(m: EngineReply) => void> = []
  const exitListeners: Array<(code: number | null) => void> = []
  const streams = new Map<number, Stream>()
  let data: TrainingData | null = null
  let job: TrainJob | null = null
  let preprocessing: Preprocessing | null = null
  let ended = false
  let lastAnswer = Date.now()
  let heartbeat: ReturnType<typeof setInterval> | null = null

  const reply = (m: EngineReply) => replyListeners.forEach((l) => l(m))
  const send = (event: JobEvent) => reply({ type: 'job', event })
  const end = (code: number | null) => {
    if (ended) return
    ended = true
    if (heartbeat) clearInterval(heartbeat)
    for (const s of streams.values()) void s.batches.return?.()
    streams.clear()
    host.port.postMessage({ type: 'control', action: 'stop' })
    host.close()
    exitListeners.forEach((l) => l(code))
  }
  const lost = (reason: string) => {
    if (ended) return
    send({ type: 'failed', error: toAppError(new StrataError('GPU_LOST', { reason })) })
    end(1)
  }

  async function pump(id: number): Promise<void> {
    const s = streams.get(id)
    if (!s || s.pumping) return
    s.pumping = true
    try {
      while (s.credit > 0 && streams.get(id) === s) {
        const next = await s.batches.next()
        if (streams.get(id) !== s) return
        host.port.postMessage({ type: 'batch', stream: id, batch: next.done ? null : next.value })
        if (next.done) {
          streams.delete(id)
          return
        }
        s.credit--
      }
    } finally {
      s.pumping = false
    }
  }

  function onWorker(message: FromGpuWorker): void {
    // A Worker that wakes up after being given up on must not overwrite what the CPU engine writes now.
    if (ended) return
    lastAnswer = Date.now()
    switch (message.type) {
      case 'event':
        send(message.event)
        // The data was prepared before the Worker picked its backend; the CPU engine reports in this order too.
        if (message.event.type === 'backend' && preprocessing) send({ type: 'preprocessing', preprocessing })
        break
      case 'open': {
        const split = message.split === 'train' ? data?.train : data?.validation
        if (!split) {
          host.port.postMessage({ type: 'batch', stream: message.stream, batch: null })
          break
        }
        streams.set(message.stream, { batches: split.batches(message.batchSize, message.seed)[Symbol.asyncIterator](), credit: BATCHES_IN_FLIGHT, pumping: false })
        void pump(message.stream)
        break
      }
      case 'credit': {
        const s = streams.get(message.stream)
        if (s) s.credit++
        void pump(message.stream)
        break
      }
      case 'close':
        void streams.get(message.stream)?.batches.return?.()
        streams.delete(message.stream)
        break
      case 'checkpoint':
        if (!job) break
        writeCheckpoint(checkpointDir(job.runDir, message.kind), message.artifacts)
        send({ type: 'checkpoint', kind: message.kind, epoch: message.epoch })
        break
      case 'finished':
        end(0)
        break
      case 'pong':
        break
    }
  }

  async function train(request: TrainJob): Promise<void> {
    job = request
    try {
      // A pretrained base's weights live in the project, and the CPU engine computes its features once: it trains those.
      if (usesBase(ModelSpecSchema.parse(request.spec))) throw new StrataError('GPU_UNAVAILABLE', { reason: translate('en', 'backends.reasons.gpuPretrainedBase') })
      const loaded = await (options.loadData ?? storeData)(request)
      data = loaded.data
      preprocessing = loaded.preprocessing
      const last = checkpointDir(request.runDir, 'last')
      const checkpoint = request.resume && hasCheckpoint(last) ? readCheckpoint(last) : null
      const shape = {
        task: data.task,
        inputShape: data.inputShape,
        targetSize: data.targetSize,
        trainSize: data.train.size,
        validationSize: data.validation?.size ?? 0,
        classCounts: data.classCounts
      }
      const cpuReference = options.calibrate && !checkpoint && options.cpuReference ? await measureOnCpu(request, data, options.cpuReference) : null
      host.port.postMessage({
        type: 'train',
        job: { runId: request.runId, spec: request.spec, config: request.config, data: shape, checkpoint, allowSoftware: options.allowSoftware, backends: options.backends ?? GPU_BACKENDS, calibrate: options.calibrate, cpuReference }
      })
      lastAnswer = Date.now()
      heartbeat = setInterval(() => {
        if (Date.now() - lastAnswer > (options.hangAfterMs ?? 60_000)) lost('the GPU engine stopped answering')
        else host.port.postMessage({ type: 'ping', at: Date.now() })
      }, options.heartbeatMs ?? 2_000)
    } catch (err) {
      send({ type: 'failed', error: toAppError(err) })
      end(0)
    }
  }

  host.port.onMessage(onWorker)
  host.onGone(lost)
  return {
    postMessage(message: EngineRequest) {
      if (message.type === 'train') void train(message.job)
      else if (message.type === 'control') host.port.postMessage({ type: 'control', action: message.action })
      else if ('id' in message) reply({ id: message.id, ok: false, error: toAppError(new StrataError('ENGINE_UNAVAILABLE', { reason: 'the GPU engine only trains' })) })
    },
    onMessage: (listener) => void replyListeners.push(listener),
    onExit: (listener) => void exitListeners.push(listener),
    kill: () => end(null)
  }
}
