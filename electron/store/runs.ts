import type Database from 'better-sqlite3'
import type { CheckpointKind, EpochMetrics, Metrics, RunDetail, RunStatus, RunSummary, TrainConfig } from '../../common/contract'
import { TrainConfig as TrainConfigSchema, isFinalStatus } from '../../common/contract'
import { readPreprocessing, type Preprocessing } from '../../common/data/preprocessing'
import { StrataError } from '../../common/errors'

interface RunRow {
  id: number
  dataset_id: string
  model_id: string
  status: RunStatus
  backend: string | null
  backend_report: string | null
  config: string
  preprocessing: string | null
  epochs: number
  epochs_done: number
  message: string | null
  started_at: string
  ended_at: string | null
}

function lastMetrics(db: Database.Database, runId: number): Metrics {
  const row = db.prepare('SELECT metrics FROM run_epochs WHERE run_id = ? ORDER BY epoch DESC LIMIT 1').get(runId) as { metrics: string } | undefined
  return row ? (JSON.parse(row.metrics) as Metrics) : {}
}

function toSummary(db: Database.Database, row: RunRow): RunSummary {
  return {
    id: row.id,
    status: row.status,
    datasetId: row.dataset_id,
    modelId: row.model_id,
    backend: row.backend,
    epochsDone: row.epochs_done,
    epochs: row.epochs,
    lastMetrics: lastMetrics(db, row.id),
    startedAt: row.started_at,
    endedAt: row.ended_at,
    message: row.message
  }
}

function getRow(db: Database.Database, runId: number): RunRow {
  const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined
  if (!row) throw new StrataError('NOT_FOUND', { what: `Run ${runId}` })
  return row
}

/** Records a new run as queued and returns its id. */
export function createRun(db: Database.Database, run: { datasetId: string; modelId: string; config: TrainConfig }): number {
  const result = db
    .prepare('INSERT INTO runs (dataset_id, model_id, status, config, epochs, started_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(run.datasetId, run.modelId, 'queued', JSON.stringify(run.config), run.config.epochs, new Date().toISOString())
  return Number(result.lastInsertRowid)
}

/** A run's line in the runs table. */
export function getRun(db: Database.Database, runId: number): RunSummary {
  return toSummary(db, getRow(db, runId))
}

/** Every run, newest first. */
export function listRuns(db: Database.Database): RunSummary[] {
  const rows = db.prepare('SELECT * FROM runs ORDER BY id DESC').all() as RunRow[]
  return rows.map((row) => toSummary(db, row))
}

/** The training settings a run was started with. */
export function runConfig(db: Database.Database, runId: number): TrainConfig {
  return TrainConfigSchema.parse(JSON.parse(getRow(db, runId).config))
}

/** Changes a run's status (and its message); final statuses also record the end time. */
export function setRunStatus(db: Database.Database, runId: number, status: RunStatus, message: string | null = null): void {
  const ended = isFinalStatus(status) ? new Date().toISOString() : null
  db.prepare('UPDATE runs SET status = ?, message = ?, ended_at = ? WHERE id = ?').run(status, message, ended, runId)
}

/** Records which backend trains a run, and why faster ones were not used. */
export function setRunBackend(db: Database.Database, runId: number, backend: string, reasons: Array<{ id: string; reason: string }>): void {
  db.prepare('UPDATE runs SET backend = ?, backend_report = ? WHERE id = ?').run(backend, JSON.stringify(reasons), runId)
}

/** Stores the preprocessing a run used (normalisation, encodings, class names, vocabulary), for prediction and export. */
export function setRunPreprocessing(db: Database.Database, runId: number, preprocessing: Preprocessing): void {
  db.prepare('UPDATE runs SET preprocessing = ? WHERE id = ?').run(JSON.stringify(preprocessing), runId)
}

/** The preprocessing a run used, checked; null before its data was prepared, `RUN_DAMAGED` when it cannot be read. */
export function runPreprocessing(db: Database.Database, runId: number): Preprocessing | null {
  const row = getRow(db, runId)
  if (!row.preprocessing) return null
  let stored: unknown
  try {
    stored = JSON.parse(row.preprocessing)
  } catch {
    stored = undefined
  }
  try {
    return readPreprocessing(stored)
  } catch {
    throw new StrataError('RUN_DAMAGED', { runId, part: 'preprocessing' })
  }
}

/** Stores one finished epoch; a resumed run that repeats an epoch replaces it. */
export function addEpoch(db: Database.Database, runId: number, e: EpochMetrics): void {
  db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO run_epochs (run_id, epoch, metrics, learning_rate, seconds) VALUES (?, ?, ?, ?, ?)').run(
      runId,
      e.epoch,
      JSON.stringify(e.metrics),
      e.learningRate,
      e.seconds
    )
    db.prepare('UPDATE runs SET epochs_done = MAX(epochs_done, ?) WHERE id = ?').run(e.epoch, runId)
  })()
}

/** Stores throttled batch losses for the sparkline. */
export function addBatchLosses(db: Database.Database, runId: number, points: Array<{ step: number; loss: number }>): void {
  const put = db.prepare('INSERT OR REPLACE INTO run_batches (run_id, step, loss) VALUES (?, ?, ?)')
  db.transaction(() => {
    for (const p of points) put.run(runId, p.step, p.loss)
  })()
}

/** Records that a checkpoint of a run was written. */
export function setCheckpoint(db: Database.Database, runId: number, kind: CheckpointKind, epoch: number): void {
  db.prepare('INSERT OR REPLACE INTO run_checkpoints (run_id, kind, epoch) VALUES (?, ?, ?)').run(runId, kind, epoch)
}

/**
 * Records a checkpoint of a run together with the history rows it carries, in one transaction: epochs project.db
 * lacks (their events were lost with a host that died) are added, rows already recorded are kept. Returns how many
 * epochs were added.
 */
export function recordCheckpoint(db: Database.Database, runId: number, kind: 'last' | 'best', epoch: number, history: readonly EpochMetrics[]): number {
  const put = db.prepare('INSERT OR IGNORE INTO run_epochs (run_id, epoch, metrics, learning_rate, seconds) VALUES (?, ?, ?, ?, ?)')
  return db.transaction(() => {
    let added = 0
    for (const e of history) if (e.epoch <= epoch) added += put.run(runId, e.epoch, JSON.stringify(e.metrics), e.learningRate, e.seconds).changes
    db.prepare('UPDATE runs SET epochs_done = MAX(epochs_done, ?) WHERE id = ?').run(epoch, runId)
    setCheckpoint(db, runId, kind, epoch)
    return added
  })()
}

/** Everything needed to redraw a run: settings, per-epoch history, batch losses, checkpoints. */
export function getRunDetail(db: Database.Database, runId: number): RunDetail {
  const row = getRow(db, runId)
  const history = (db.prepare('SELECT * FROM run_epochs WHERE run_id = ? ORDER BY epoch').all(runId) as Array<{ epoch: number; metrics: string; learning_rate: number; seconds: number }>).map(
    (r) => ({ epoch: r.epoch, metrics: JSON.parse(r.metrics) as Metrics, learningRate: r.learning_rate, seconds: r.seconds })
  )
  const batchLoss = db.prepare('SELECT step, loss FROM run_batches WHERE run_id = ? ORDER BY step').all(runId) as Array<{ step: number; loss: number }>
  const checkpoints = db.prepare('SELECT kind, epoch FROM run_checkpoints WHERE run_id = ? ORDER BY kind').all(runId) as Array<{ kind: CheckpointKind; epoch: number }>
  return {
    ...toSummary(db, row),
    config: TrainConfigSchema.parse(JSON.parse(row.config)),
    history,
    batchLoss,
    backendReasons: row.backend_report ? (JSON.parse(row.backend_report) as Array<{ id: string; reason: string }>) : [],
    checkpoints
  }
}
