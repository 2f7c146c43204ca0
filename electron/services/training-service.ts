import fs from 'node:fs'
import path from 'node:path'
import type Database from 'better-sqlite3'
import { z } from 'zod'
import { EpochMetrics, isFinalStatus, type EmitEvent, type RunDetail, type RunSummary, type TrainConfig } from '../../common/contract'
import { readPreprocessing } from '../../common/data/preprocessing'
import { forClient, StrataError } from '../../common/errors'
import type { EnginePort, JobEvent } from '../engine/process/protocol'
import { PROJECT_DB_FILE, openProjectDb } from '../store/project-db'
import { acquireProjectLock } from '../store/project-lock'
import { checkpointDir, readRunSpec, runDir, writeRunSpec } from '../store/run-folder'
import {
  addBatchLosses,
  addEpoch,
  createRun,
  getRun,
  getRunDetail,
  listRuns,
  recordCheckpoint,
  runConfig,
  setCheckpoint,
  setRunBackend,
  setRunPreprocessing,
  setRunStatus
} from '../store/runs'
import type { ProjectService } from './project-service'

/** What training needs to look up in the project before a run starts. */
export interface TrainingLookups {
  /** The model spec (strata.model/1) of a model's latest version; throws NOT_FOUND for an unknown model. */
  modelSpec(db: Database.Database, modelId: string): unknown
  /** Throws NOT_FOUND for an unknown dataset. */
  checkDataset(db: Database.Database, datasetId: string): void
  /** Refuses a model whose head cannot learn the dataset's target (MODEL_TASK_MISMATCH, with the fix). */
  checkModel?(db: Database.Database, datasetId: string, spec: unknown): void
}

interface ActiveRun {
  port: EnginePort
  root: string
  datasetId: string
  db: Database.Database
  /** Lets go of the project's lock, held while the run trains even if the studio switches to another project. */
  releaseLock: () => void
  finished: boolean
  pendingLosses: Array<{ step: number; loss: number }>
}

/** What a checkpoint's state.json says of the run's progress: the epoch it holds and the history up to it. */
const CheckpointProgress = z.object({ epoch: z.number().int().min(0), history: z.array(EpochMetrics).default([]) })

/** The progress a run's checkpoint holds, or null when it has none (or none Strata can read). */
function checkpointProgress(projectRoot: string, runId: number, kind: 'last' | 'best'): z.infer<typeof CheckpointProgress> | null {
  try {
    const parsed = CheckpointProgress.safeParse(JSON.parse(fs.readFileSync(path.join(checkpointDir(runDir(projectRoot, runId), kind), 'state.json'), 'utf8')))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/**
 * Brings a run's record level with its checkpoints: each checkpoint on disk is recorded with the history rows it
 * carries, in one transaction, so epochs whose events died with their host are not lost.
 */
export function syncWithCheckpoints(db: Database.Database, projectRoot: string, runId: number): void {
  for (const kind of ['last', 'best'] as const) {
    const progress = checkpointProgress(projectRoot, runId, kind)
    if (progress && progress.epoch > 0) recordCheckpoint(db, runId, kind, progress.epoch, progress.history)
  }
}

/**
 * Starts, controls and records training runs. Each run trains in its own engine process; this service persists
 * everything it reports, and marks a run interrupted (resumable) when that process dies.
 */
export class TrainingService {
  private readonly active = new Map<number, ActiveRun>()

  constructor(
    private readonly opts: { projects: ProjectService; launchEngine: () => EnginePort; emit: EmitEvent; lookups: TrainingLookups }
  ) {}

  private db(): { db: Database.Database; root: string } {
    const project = this.opts.projects.require()
    return { db: project.db, root: project.root }
  }

  /**
   * Marks runs that were training when the studio last stopped as interrupted, so they can be resumed, with every
   * epoch their last checkpoint holds recorded (a host killed mid-run may not have recorded the last ones).
   */
  recoverInterrupted(project: { db: Database.Database; root: string }): void {
    const { db, root } = project
    for (const run of listRuns(db)) {
      if (this.active.has(run.id) || run.status === 'completed') continue
      syncWithCheckpoints(db, root, run.id)
      if (!isFinalStatus(run.status)) {
        setRunStatus(db, run.id, 'interrupted', 'Strata stopped while this run was training. Resume continues from its last checkpoint.')
      }
    }
  }

  /** Starts a new run of a model on a dataset. */
  start(datasetId: string, modelId: string, config: TrainConfig): RunSummary {
    const { db, root } = this.db()
    this.opts.lookups.checkDataset(db, datasetId)
    const spec = this.opts.lookups.modelSpec(db, modelId)
    this.opts.lookups.checkModel?.(db, datasetId, spec)
    const runId = createRun(db, { datasetId, modelId, config })
    writeRunSpec(runDir(root, runId), spec)
    this.launch(db, root, runId, spec, config, datasetId, false)
    return getRun(db, runId)
  }

  /** Continues a paused run, or restarts an interrupted/stopped/failed one from its last checkpoint. */
  resume(runId: number): RunSummary {
    const { db, root } = this.db()
    const run = getRun(db, runId)
    const live = this.active.get(runId)
    if (live && run.status === 'paused') {
      live.port.postMessage({ type: 'control', action: 'resume' })
      return this.changeStatus(db, runId, 'running')
    }
    if (live) throw new StrataError('RUN_BUSY', { runId, status: run.status })
    if (run.status === 'completed') throw new StrataError('RUN_NOT_RESUMABLE', { runId, reason: 'it already finished.' })
    const spec = readRunSpec(runDir(root, runId), runId)
    if (!spec) throw new StrataError('RUN_NOT_RESUMABLE', { runId, reason: 'its files are missing from the project folder.' })
    // The resumed engine continues after the checkpoint's epoch: every epoch up to it must be on record first.
    syncWithCheckpoints(db, root, runId)
    this.launch(db, root, runId, spec, runConfig(db, runId), run.datasetId, true)
    return getRun(db, runId)
  }

  /** Pauses a run between two batches. */
  pause(runId: number): RunSummary {
    const { db } = this.db()
    const live = this.active.get(runId)
    const run = getRun(db, runId)
    if (!live || run.status !== 'running') throw new StrataError('RUN_BUSY', { runId, status: run.status })
    live.port.postMessage({ type: 'control', action: 'pause' })
    return this.changeStatus(db, runId, 'paused')
  }

  /** Stops a run after its current batch; its checkpoints are kept. */
  stop(runId: number): RunSummary {
    const { db } = this.db()
    const live = this.active.get(runId)
    if (!live) return getRun(db, runId)
    live.port.postMessage({ type: 'control', action: 'stop' })
    return getRun(db, runId)
  }

  /** Every run of the open project, newest first. */
  runs(): RunSummary[] {
    return listRuns(this.db().db)
  }

  /** One run with its settings, curves and checkpoints. */
  run(runId: number): RunDetail {
    return getRunDetail(this.db().db, runId)
  }

  /** True while an engine process trains (or holds paused) a run. */
  isActive(runId: number): boolean {
    return this.active.has(runId)
  }

  /** The run an engine process trains (or holds paused) on a dataset of the project at `root`, if any. */
  liveRunOn(root: string, datasetId: string): number | null {
    for (const [runId, live] of this.active) if (live.root === root && live.datasetId === datasetId) return runId
    return null
  }

  /** The operating-system process id of the engine training a run, while it trains. */
  enginePid(runId: number): number | undefined {
    return this.active.get(runId)?.port.pid
  }

  /** Stops every engine process (when the studio closes). */
  dispose(): void {
    for (const [runId, live] of this.active) {
      if (!live.finished) {
        live.finished = true
        this.flushLosses(runId, live)
        setRunStatus(live.db, runId, 'interrupted', 'Strata was closed while this run was training. Resume continues from its last checkpoint.')
      }
      live.port.kill()
      live.db.close()
      live.releaseLock()
    }
    this.active.clear()
  }

  private changeStatus(db: Database.Database, runId: number, status: RunSummary['status'], message: string | null = null): RunSummary {
    setRunStatus(db, runId, status, message)
    const summary = getRun(db, runId)
    this.opts.emit('training:status', summary)
    return summary
  }

  private launch(projectDb: Database.Database, root: string, runId: number, spec: unknown, config: TrainConfig, datasetId: string, resume: boolean): void {
    this.changeStatus(projectDb, runId, 'queued')
    // The run records through its own connection, so it keeps recording if the studio switches to another project;
    // it holds the project's lock meanwhile, so no other process opens the project and takes the run for dead.
    const releaseLock = acquireProjectLock(root)
    const db = openProjectDb(path.join(root, PROJECT_DB_FILE))
    const port = this.opts.launchEngine()
    const live: ActiveRun = { port, root, datasetId, db, releaseLock, finished: false, pendingLosses: [] }
    this.active.set(runId, live)
    port.onMessage((message) => {
      if ('type' in message && message.type === 'job') this.onJobEvent(runId, live, message.event)
    })
    port.onExit((code) => {
      if (this.active.get(runId) !== live) return
      this.active.delete(runId)
      if (!live.finished) {
        this.flushLosses(runId, live)
        this.changeStatus(db, runId, 'interrupted', `The training process stopped unexpectedly (exit code ${code ?? 'unknown'}). Resume continues from the last checkpoint.`)
      }
      db.close()
      releaseLock()
    })
    port.postMessage({ type: 'train', job: { runId, projectRoot: root, datasetId, spec, config, runDir: runDir(root, runId), resume } })
  }

  private flushLosses(runId: number, live: ActiveRun): void {
    if (!live.pendingLosses.length) return
    addBatchLosses(live.db, runId, live.pendingLosses)
    live.pendingLosses = []
  }

  private onJobEvent(runId: number, live: ActiveRun, event: JobEvent): void {
    const { db } = live
    switch (event.type) {
      case 'backend':
        setRunBackend(db, runId, event.backend, event.reasons)
        this.changeStatus(db, runId, 'running')
        break
      case 'preprocessing':
        setRunPreprocessing(db, runId, readPreprocessing(event.preprocessing))
        break
      case 'progress': {
        live.pendingLosses.push({ step: event.step, loss: event.loss })
        const { type: _type, ...progress } = event
        this.opts.emit('training:progress', { runId, ...progress })
        break
      }
      case 'epoch':
        addEpoch(db, runId, { epoch: event.epoch, metrics: event.metrics, learningRate: event.learningRate, seconds: event.seconds })
        this.flushLosses(runId, live)
        this.opts.emit('training:epoch', { runId, epoch: event.epoch, metrics: event.metrics, learningRate: event.learningRate, seconds: event.seconds })
        break
      case 'checkpoint': {
        // The checkpoint and its history rows are recorded together, from the checkpoint itself.
        const progress = checkpointProgress(live.root, runId, event.kind)
        if (progress?.epoch === event.epoch) recordCheckpoint(db, runId, event.kind, event.epoch, progress.history)
        else setCheckpoint(db, runId, event.kind, event.epoch)
        break
      }
      case 'warning':
        this.opts.emit('training:warning', { runId, key: event.key, params: event.params })
        break
      case 'done': {
        live.finished = true
        this.flushLosses(runId, live)
        const message = event.earlyStopped ? `Stopped early: no improvement since epoch ${event.bestEpoch}.` : null
        this.changeStatus(db, runId, event.status, message)
        break
      }
      case 'failed':
        live.finished = true
        this.flushLosses(runId, live)
        // The run's message is shown to clients: the error as they may see it (no stack, no absolute paths).
        this.changeStatus(db, runId, 'failed', forClient(event.error, (e) => console.error(`strata: run ${runId} failed:`, e.detail ?? e.message)).message)
        break
    }
  }
}
