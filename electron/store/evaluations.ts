import type Database from 'better-sqlite3'
import type { CheckpointKind, CrossValidation, Evaluation, EvaluationSplit } from '../../common/contract'
import { CrossValidation as CrossValidationSchema, Evaluation as EvaluationSchema } from '../../common/contract'

/** What a model said about one evaluated item: class names (or values as text) and its raw output. */
export interface EvaluatedItem {
  itemId: number
  actual: string
  predicted: string
  /** Class probabilities by name, or `{ value }` for regression. */
  output: Record<string, number>
}

/** An evaluation as the engine computes it, before it is stored. */
export type NewEvaluation = Omit<Evaluation, 'computedAt' | 'stale' | 'editsSince' | 'retrained'> & { items: EvaluatedItem[] }

interface EvaluationRow {
  run_id: number
  split: EvaluationSplit
  report: string
  item_count: number
  checkpoint: CheckpointKind
  checkpoint_epoch: number
  backend: string
  edit_seq: number
  computed_at: string
}

/** Records a change to a dataset (relabel, removal, new split…), so evaluations made before it read as stale. */
export function recordDatasetEdit(db: Database.Database, datasetId: string, kind: string, itemId: number | null = null, detail: string | null = null): void {
  db.prepare('INSERT INTO dataset_edits (dataset_id, item_id, kind, detail, at) VALUES (?, ?, ?, ?, ?)').run(datasetId, itemId, kind, detail, new Date().toISOString())
}

/** The sequence number of a dataset's latest edit (0 when never edited). */
export function datasetEditSeq(db: Database.Database, datasetId: string): number {
  const row = db.prepare('SELECT MAX(id) AS seq FROM dataset_edits WHERE dataset_id = ?').get(datasetId) as { seq: number | null }
  return row.seq ?? 0
}

/** The epoch of a run's best or last checkpoint as recorded (0 when none). */
function checkpointEpoch(db: Database.Database, runId: number, kind: CheckpointKind): number {
  const row = db.prepare('SELECT epoch FROM run_checkpoints WHERE run_id = ? AND kind = ?').get(runId, kind) as { epoch: number } | undefined
  return row?.epoch ?? 0
}

function runDatasetId(db: Database.Database, runId: number): string {
  return (db.prepare('SELECT dataset_id FROM runs WHERE id = ?').get(runId) as { dataset_id: string }).dataset_id
}

/** Replaces a run's stored evaluation on a split, with its per-item predictions, in one transaction. */
export function saveEvaluation(db: Database.Database, e: NewEvaluation): void {
  const seq = datasetEditSeq(db, runDatasetId(db, e.runId))
  const put = db.prepare('INSERT INTO evaluation_items (run_id, split, item_id, actual, predicted, output) VALUES (?, ?, ?, ?, ?, ?)')
  db.transaction(() => {
    db.prepare('DELETE FROM evaluations WHERE run_id = ? AND split = ?').run(e.runId, e.split)
    db.prepare(
      'INSERT INTO evaluations (run_id, split, report, item_count, checkpoint, checkpoint_epoch, backend, edit_seq, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'
    ).run(
      e.runId,
      e.split,
      JSON.stringify(e.report),
      e.itemCount,
      e.checkpoint,
      checkpointEpoch(db, e.runId, e.checkpoint),
      e.backend,
      seq,
      new Date().toISOString()
    )
    for (const item of e.items) put.run(e.runId, e.split, item.itemId, item.actual, item.predicted, JSON.stringify(item.output))
  })()
}

/** A run's stored evaluation on a split, marked stale when its dataset changed or the run trained further since; null when there is none. */
export function getEvaluation(db: Database.Database, runId: number, split: EvaluationSplit): Evaluation | null {
  const row = db.prepare('SELECT * FROM evaluations WHERE run_id = ? AND split = ?').get(runId, split) as EvaluationRow | undefined
  if (!row) return null
  const { n } = db.prepare('SELECT COUNT(*) AS n FROM dataset_edits WHERE dataset_id = ? AND id > ?').get(runDatasetId(db, runId), row.edit_seq) as { n: number }
  const retrained = checkpointEpoch(db, runId, row.checkpoint) !== row.checkpoint_epoch
  return EvaluationSchema.parse({
    runId,
    split,
    computedAt: row.computed_at,
    itemCount: row.item_count,
    checkpoint: row.checkpoint,
    backend: row.backend,
    stale: n > 0 || retrained,
    editsSince: n,
    retrained,
    report: JSON.parse(row.report)
  })
}

/** The evaluated items of one confusion-matrix cell (actual class, predicted class), a page at a time. */
export function cellItems(
  db: Database.Database,
  runId: number,
  split: EvaluationSplit,
  actual: string,
  predicted: string,
  offset: number,
  limit: number
): { total: number; items: EvaluatedItem[] } {
  const { n } = db.prepare('SELECT COUNT(*) AS n FROM evaluation_items WHERE run_id = ? AND split = ? AND actual = ? AND predicted = ?').get(runId, split, actual, predicted) as { n: number }
  const rows = db
    .prepare('SELECT item_id, actual, predicted, output FROM evaluation_items WHERE run_id = ? AND split = ? AND actual = ? AND predicted = ? ORDER BY item_id LIMIT ? OFFSET ?')
    .all(runId, split, actual, predicted, limit, offset) as Array<{ item_id: number; actual: string; predicted: string; output: string }>
  return { total: n, items: rows.map((r) => ({ itemId: r.item_id, actual: r.actual, predicted: r.predicted, output: JSON.parse(r.output) as Record<string, number> })) }
}

/** Every evaluated item of a run on a split, in item order (for checks and exports). */
export function evaluatedItems(db: Database.Database, runId: number, split: EvaluationSplit): EvaluatedItem[] {
  const rows = db.prepare('SELECT item_id, actual, predicted, output FROM evaluation_items WHERE run_id = ? AND split = ? ORDER BY item_id').all(runId, split) as Array<{
    item_id: number
    actual: string
    predicted: string
    output: string
  }>
  return rows.map((r) => ({ itemId: r.item_id, actual: r.actual, predicted: r.predicted, output: JSON.parse(r.output) as Record<string, number> }))
}

/** Stores a run's cross-validation, replacing an earlier one. */
export function saveCrossValidation(db: Database.Database, result: CrossValidation): void {
  db.prepare('INSERT OR REPLACE INTO cross_validations (run_id, result, computed_at) VALUES (?, ?, ?)').run(result.runId, JSON.stringify(result), result.computedAt)
}

/** A run's stored cross-validation, or null. */
export function getCrossValidation(db: Database.Database, runId: number): CrossValidation | null {
  const row = db.prepare('SELECT result FROM cross_validations WHERE run_id = ?').get(runId) as { result: string } | undefined
  return row ? CrossValidationSchema.parse(JSON.parse(row.result)) : null
}
