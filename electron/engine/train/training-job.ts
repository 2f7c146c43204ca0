import type * as tfType from '@tensorflow/tfjs'
import type { Preprocessing } from '../../../common/data/preprocessing'
import { toAppError } from '../../../common/errors'
import { translate } from '../../../common/i18n'
import { hasCheckpoint, loadModel, loadTrainingState, saveCheckpoint } from './checkpoint'
import type { TrainingState } from './checkpoint-artifacts'
import type { TrainingData } from '../data/data-source'
import type { JobEvent, TrainJob } from '../process/protocol'
import { makeOptimizer, train } from './trainer'
import { selectBackend } from '../process/backends'
import { wasmThreadsPay } from '../kernels/threads'
import { checkpointDir } from '../../store/run-folder'

type Tf = typeof tfType

/** Progress events go out at most this often: a chart needs about ten updates a second. */
export const PROGRESS_INTERVAL_MS = 100

/** Pause, resume and stop for a running job, driven by the parent's control messages. */
export class JobControls {
  readonly abort = new AbortController()
  private paused: { promise: Promise<void>; release: () => void } | null = null

  pause(): void {
    if (this.paused) return
    let release!: () => void
    const promise = new Promise<void>((resolve) => (release = resolve))
    this.paused = { promise, release }
  }

  resume(): void {
    this.paused?.release()
    this.paused = null
  }

  stop(): void {
    this.abort.abort()
    this.resume()
  }

  /** Resolves at once unless paused. */
  waitIfPaused = (): Promise<void> => this.paused?.promise ?? Promise.resolve()
}

/** How a job gets its data and model; the engine process wires the real store and compiler. */
export interface JobDeps {
  loadData(tf: Tf, job: TrainJob): Promise<{ data: TrainingData; preprocessing: Preprocessing }>
  buildModel(tf: Tf, job: TrainJob, data: TrainingData): Promise<tfType.LayersModel>
  /**
   * What actually trains, when only part of the model learns: e.g. the head of a frozen pretrained base on the
   * base's features, computed once. It shares its layers with `model`, so checkpoints of `model` hold its training.
   */
  trainingView?(tf: Tf, job: TrainJob, model: tfType.LayersModel, data: TrainingData): Promise<{ model: tfType.LayersModel; data: TrainingData; warning: { key: string; params: Record<string, string | number> } } | null>
}

/**
 * Runs one training job inside the engine process: picks the backend, prepares the data, builds (or restores) the
 * model, trains with checkpoints after every epoch, and reports everything through `send`. Never throws.
 */
export async function runTrainingJob(job: TrainJob, send: (event: JobEvent) => void, controls: JobControls, deps: JobDeps): Promise<void> {
  let model: tfType.LayersModel | null = null
  let optimizer: tfType.Optimizer | null = null
  const tf = await import('@tensorflow/tfjs')
  try {
    const explain = (r: { key: string; params: Record<string, string | number> }) => translate('en', `backends.reasons.${r.key}`, r.params)
    const choice = await selectBackend(job.config.backend, explain, { wasmThreads: wasmThreadsPay(job.spec) })
    send({ type: 'backend', backend: choice.backend, reasons: choice.reasons })

    const { data, preprocessing } = await deps.loadData(tf, job)
    send({ type: 'preprocessing', preprocessing })
    // Texts longer than the model's sequence length lose their ends: said, with how many.
    if (preprocessing.kind === 'text' && preprocessing.cutTexts) {
      send({ type: 'warning', key: 'textsCut', params: { cut: preprocessing.cutTexts, texts: preprocessing.trainTexts ?? 0, length: preprocessing.sequenceLength } })
    }

    const last = checkpointDir(job.runDir, 'last')
    let resumeFrom: TrainingState | undefined
    optimizer = makeOptimizer(tf, job.config)
    if (job.resume && hasCheckpoint(last)) {
      model = await loadModel(tf, last)
      resumeFrom = await loadTrainingState(tf, last, optimizer)
    } else {
      model = await deps.buildModel(tf, job, data)
    }
    const view = await deps.trainingView?.(tf, job, model, data)
    if (view) send({ type: 'warning', ...view.warning })

    let lastSent = 0
    const end = await train(tf, view?.model ?? model, optimizer, view?.data ?? data, job.config, {
      resumeFrom,
      signal: controls.abort.signal,
      waitIfPaused: controls.waitIfPaused,
      onBatch: (b) => {
        const now = Date.now()
        if (now - lastSent < PROGRESS_INTERVAL_MS && b.batch !== b.batches) return
        lastSent = now
        send({ type: 'progress', epochs: job.config.epochs, ...b })
      },
      onEpoch: async (e) => {
        send({ type: 'epoch', epoch: e.epoch, metrics: e.metrics, learningRate: e.learningRate, seconds: e.seconds })
        await saveCheckpoint(tf, last, model!, optimizer!, e.state)
        send({ type: 'checkpoint', kind: 'last', epoch: e.epoch })
        if (e.improved) {
          await saveCheckpoint(tf, checkpointDir(job.runDir, 'best'), model!, optimizer!, e.state)
          send({ type: 'checkpoint', kind: 'best', epoch: e.epoch })
        }
      }
    })
    if (end.reason === 'early-stopped') {
      send({ type: 'warning', key: 'earlyStopped', params: { epoch: end.epoch, bestEpoch: end.bestEpoch, monitor: job.config.earlyStopping.monitor } })
    }
    send({ type: 'done', status: end.reason === 'stopped' ? 'stopped' : 'completed', earlyStopped: end.reason === 'early-stopped', bestEpoch: end.bestEpoch })
  } catch (err) {
    send({ type: 'failed', error: toAppError(err) })
  } finally {
    model?.dispose()
    optimizer?.dispose()
  }
}
