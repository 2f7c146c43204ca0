import type Database from 'better-sqlite3'
import type { EpochMetrics, ExperimentRow, Metrics, RunStatus } from '../../common/contract'
import { StrataError } from '../../common/errors'

/** Metrics runs are ranked by, best first: validation accuracy, validation error, then their training values. */
const MAIN_METRICS: ReadonlyArray<{ name: string; higherIsBetter: boolean }> = [
  { name: 'val_acc', higherIsBetter: true },
  { name: 'val_mae', higherIsBetter: false },
  { name: 'acc', higherIsBetter: true },
  { name: 'mae', higherIsBetter: false },
  { name: 'val_loss', higherIsBetter: false },
  { name: 'loss', higherIsBetter: false }
]

interface ListRow {
  id: number
  status: RunStatus
  dataset_id: string
  dataset_name: string | null
  model_id: string
  model_name: string | null
  model_version: number | null
  config: string
  epochs: number
  epochs_done: number
  backend: string | null
  tags: string
  notes: string
  archived: number
  started_at: string
  ended_at: string | null
  last_metrics: string | null
  seconds: number | null
  [best: `best_${string}`]: number | null
}

// One query for the whole table: bests per metric and the last epoch's metrics come from one pass over run_epochs.
const LIST_SQL = `
  WITH agg AS (
    SELECT run_id, MAX(epoch) AS last_epoch, SUM(seconds) AS seconds,
      ${MAIN_METRICS.map((m) => `${m.higherIsBetter ? 'MAX' : 'MIN'}(json_extract(metrics, '$.${m.name}')) AS best_${m.name}`).join(',\n      ')}
    FROM run_epochs GROUP BY run_id
  )
  SELECT r.id, r.status, r.dataset_id, d.name AS dataset_name, r.model_id, m.name AS model_name,
    (SELECT MAX(v.version) FROM model_versions v WHERE v.model_id = r.model_id AND v.created_at <= r.started_at) AS model_version,
    r.config, r.epochs, r.epochs_done, r.backend, r.tags, r.notes, r.archived, r.started_at, r.ended_at,
    e.metrics AS last_metrics, agg.seconds, ${MAIN_METRICS.map((m) => `agg.best_${m.name}`).join(', ')}
  FROM runs r
  LEFT JOIN datasets d ON d.id = r.dataset_id
  LEFT JOIN models m ON m.id = r.model_id
  LEFT JOIN agg ON agg.run_id = r.id
  LEFT JOIN run_epochs e ON e.run_id = r.id AND e.epoch = agg.last_epoch
`

function toRow(r: ListRow): ExperimentRow {
  const config = JSON.parse(r.config) as { batchSize?: number; learningRate?: number; optimizer?: string }
  const last = r.last_metrics ? (JSON.parse(r.last_metrics) as Metrics) : {}
  const main = MAIN_METRICS.find((m) => last[m.name] !== undefined) ?? null
  const duration = r.ended_at ? (Date.parse(r.ended_at) - Date.parse(r.started_at)) / 1000 : r.seconds
  return {
    id: r.id,
    status: r.status,
    datasetId: r.dataset_id,
    datasetName: r.dataset_name,
    modelId: r.model_id,
    modelName: r.model_name,
    modelVersion: r.model_version,
    epochs: r.epochs,
    epochsDone: r.epochs_done,
    batchSize: config.batchSize ?? 0,
    learningRate: config.learningRate ?? 0,
    optimizer: config.optimizer ?? '',
    mainMetric: main?.name ?? null,
    higherIsBetter: main?.higherIsBetter ?? true,
    best: main ? (r[`best_${main.name}`] ?? null) : null,
    last: main ? (last[main.name] ?? null) : null,
    durationSeconds: duration !== null && Number.isFinite(duration) ? Math.max(0, duration) : null,
    backend: r.backend,
    tags: JSON.parse(r.tags) as string[],
    notes: r.notes,
    archived: r.archived === 1,
    startedAt: r.started_at
  }
}

/** Every run as a compact line of the experiments table, newest first. */
export function listExperiments(db: Database.Database): ExperimentRow[] {
  return (db.prepare(`${LIST_SQL} ORDER BY r.id DESC`).all() as ListRow[]).map(toRow)
}

/** One run's line of the experiments table. */
export function getExperiment(db: Database.Database, runId: number): ExperimentRow {
  const row = db.prepare(`${LIST_SQL} WHERE r.id = ?`).get(runId) as ListRow | undefined
  if (!row) throw new StrataError('NOT_FOUND', { what: `Run ${runId}` })
  return toRow(row)
}

/** Changes a run's notes, tags (trimmed, without repeats) and/or archived flag. */
export function updateExperiment(db: Database.Database, runId: number, change: { notes?: string; tags?: string[]; archived?: boolean }): void {
  getExperiment(db, runId)
  db.transaction(() => {
    if (change.notes !== undefined) db.prepare('UPDATE runs SET notes = ? WHERE id = ?').run(change.notes, runId)
    if (change.tags !== undefined) db.prepare('UPDATE runs SET tags = ? WHERE id = ?').run(JSON.stringify([...new Set(change.tags.map((t) => t.trim()).filter(Boolean))]), runId)
    if (change.archived !== undefined) db.prepare('UPDATE runs SET archived = ? WHERE id = ?').run(change.archived ? 1 : 0, runId)
  })()
}

/** Deletes a run's records (epochs, batches, checkpoints, evaluations cascade); its folder is the caller's to remove. */
export function deleteRunRecords(db: Database.Database, runId: number): boolean {
  return db.prepare('DELETE FROM runs WHERE id = ?').run(runId).changes > 0
}

/** A run's per-epoch metrics, for overlaid curves. */
export function runHistory(db: Database.Database, runId: number): EpochMetrics[] {
  return (db.prepare('SELECT epoch, metrics, learning_rate, seconds FROM run_epochs WHERE run_id = ? ORDER BY epoch').all(runId) as Array<{ epoch: number; metrics: string; learning_rate: number; seconds: number }>).map(
    (r) => ({ epoch: r.epoch, metrics: JSON.parse(r.metrics) as Metrics, learningRate: r.learning_rate, seconds: r.seconds })
  )
}
