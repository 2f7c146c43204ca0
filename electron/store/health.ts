import type Database from 'better-sqlite3'
import type { DatasetSummary, HealthReport, HealthWarning } from '../../common/contract/dataset'
import { classCounts, getColumns, getDataset, hasClasses, rowShape } from './datasets'
import { leakingColumns, rowDuplicates } from './table-rows'

/** A class with fewer items than this is called tiny. */
export const TINY_CLASS = 10
/** Largest-to-smallest class ratio above which the classes are called unbalanced. */
export const IMBALANCE_RATIO = 3
/** Share of missing cells above which a column is flagged. */
export const MANY_MISSING = 0.2
const MAX_CONFLICTS_LISTED = 20

function classWarnings(db: Database.Database, datasetId: string): HealthWarning[] {
  const classes = classCounts(db, datasetId)
  if (!classes.length) return []
  const out: HealthWarning[] = []
  if (classes.length < 2) out.push({ key: 'oneClass', severity: 'problem', params: { label: classes[0].label } })
  const largest = classes[0]
  const smallest = classes[classes.length - 1]
  if (classes.length >= 2 && largest.count > IMBALANCE_RATIO * smallest.count) {
    // Balanced class weights make every class count as much in the loss: offered as the fix.
    out.push({
      key: 'imbalanced',
      severity: 'warning',
      params: { largest: largest.label, largestCount: largest.count, smallest: smallest.label, smallestCount: smallest.count },
      fix: { kind: 'balance-classes' }
    })
  }
  for (const c of classes) if (c.count < TINY_CLASS) out.push({ key: 'tinyClass', severity: 'warning', params: { label: c.label, count: c.count, min: TINY_CLASS } })
  return out
}

interface DuplicateFindings {
  duplicates: number
  conflicts: Array<{ labels: string[]; itemId: number; file: string | null; line: number | null }>
}

/** Duplicates and conflicting labels among images (by content hash), in SQL over the items table. */
function imageDuplicates(db: Database.Database, datasetId: string, withConflicts: boolean): DuplicateFindings {
  const { n } = db
    .prepare(
      `SELECT IFNULL(SUM(c - 1), 0) AS n FROM (SELECT COUNT(*) AS c FROM items WHERE dataset_id = ? AND hash IS NOT NULL
       GROUP BY hash, label HAVING c > 1)`
    )
    .get(datasetId) as { n: number }
  if (!withConflicts) return { duplicates: n, conflicts: [] }
  const conflicts = db
    .prepare(
      `SELECT GROUP_CONCAT(DISTINCT label) AS labels, MAX(id) AS itemId,
              json_extract(MAX(meta), '$.file') AS file, json_extract(MAX(meta), '$.line') AS line
       FROM items WHERE dataset_id = ? AND hash IS NOT NULL AND label IS NOT NULL
       GROUP BY hash HAVING COUNT(DISTINCT label) > 1 LIMIT ?`
    )
    .all(datasetId, MAX_CONFLICTS_LISTED) as Array<{ labels: string; itemId: number; file: string | null; line: number | null }>
  return { duplicates: n, conflicts: conflicts.map((c) => ({ ...c, labels: c.labels.split(',') })) }
}

function duplicateWarnings(db: Database.Database, datasetId: string): HealthWarning[] {
  const out: HealthWarning[] = []
  const withConflicts = hasClasses(db, datasetId)
  const shape = rowShape(db, datasetId)
  const found: DuplicateFindings = shape
    ? (({ duplicates, conflicts }) => ({ duplicates, conflicts: withConflicts ? conflicts.map((c) => ({ ...c, file: null })) : [] }))(
        rowDuplicates(db, datasetId, shape, MAX_CONFLICTS_LISTED)
      )
    : imageDuplicates(db, datasetId, withConflicts)
  if (found.duplicates > 0) out.push({ key: 'duplicates', severity: 'warning', params: { count: found.duplicates }, fix: { kind: 'drop-duplicates' } })
  for (const c of found.conflicts) {
    out.push({
      key: 'conflictingLabels',
      severity: 'problem',
      params: { file: c.file ?? `line ${c.line ?? '?'}`, labels: c.labels.join(', ') },
      fix: { kind: 'relabel-item', itemId: c.itemId, labels: c.labels }
    })
  }
  return out
}

function skippedWarnings(db: Database.Database, datasetId: string): HealthWarning[] {
  const rows = db.prepare('SELECT code, COUNT(*) AS n FROM import_skipped WHERE dataset_id = ? GROUP BY code').all(datasetId) as Array<{ code: string; n: number }>
  const out: HealthWarning[] = []
  for (const r of rows) {
    if (r.code === 'unreadable') out.push({ key: 'unreadable', severity: 'warning', params: { count: r.n } })
    if (r.code === 'ragged') out.push({ key: 'raggedRows', severity: 'warning', params: { count: r.n } })
    if (r.code === 'notImage' || r.code === 'hidden' || r.code === 'notInClass') out.push({ key: 'ignoredFiles', severity: 'info', params: { count: r.n } })
  }
  // Several non-image codes fold into one line.
  const ignored = out.filter((w) => w.key === 'ignoredFiles')
  if (ignored.length > 1) {
    const total = ignored.reduce((s, w) => s + Number(w.params.count), 0)
    return [...out.filter((w) => w.key !== 'ignoredFiles'), { key: 'ignoredFiles', severity: 'info', params: { count: total } }]
  }
  return out
}

function imageSizes(db: Database.Database, datasetId: string): HealthReport['imageSizes'] {
  const r = db
    .prepare(
      `SELECT MIN(w) AS minWidth, MAX(w) AS maxWidth, MIN(h) AS minHeight, MAX(h) AS maxHeight, COUNT(DISTINCT w || 'x' || h) AS distinctSizes
       FROM (SELECT json_extract(meta, '$.width') AS w, json_extract(meta, '$.height') AS h FROM items WHERE dataset_id = ?)`
    )
    .get(datasetId) as { minWidth: number | null; maxWidth: number; minHeight: number; maxHeight: number; distinctSizes: number }
  return r.minWidth === null ? null : (r as NonNullable<HealthReport['imageSizes']>)
}

/** How the table's file was read, where that is worth knowing: renamed header names, a decimal comma, another encoding, JSON. */
function readingNotes(d: DatasetSummary): HealthWarning[] {
  const r = d.reading
  if (!r) return []
  const out: HealthWarning[] = []
  for (const n of r.renamed) out.push({ key: 'renamedColumn', severity: 'info', params: { from: n.from, to: n.to, position: n.position + 1 } })
  if (r.decimal === ',') out.push({ key: 'decimalComma', severity: 'info', params: {} })
  if (r.encoding !== 'utf-8') out.push({ key: 'encoding', severity: 'info', params: { encoding: r.encoding } })
  if (r.json) out.push({ key: 'jsonTable', severity: 'info', params: { shape: r.json } })
  return out
}

function columnWarnings(db: Database.Database, d: DatasetSummary): HealthWarning[] {
  const { id: datasetId, target, itemCount } = d
  const out: HealthWarning[] = [...readingNotes(d)]
  const columns = getColumns(db, datasetId)
  const targetCol = columns.find((c) => c.name === target)
  if (!target) out.push({ key: 'noTarget', severity: 'problem', params: {} })
  // Rows without a value to predict take no part in training, validation or test: said, with the fix.
  if (targetCol && d.unlabelled > 0) out.push({ key: 'targetMissing', severity: 'warning', params: { column: targetCol.name, count: d.unlabelled }, fix: { kind: 'drop-unlabelled' } })
  const checked: typeof columns = []
  for (const c of columns) {
    // Spellings read as missing besides empty cells are shown: one may be a real value in this column.
    const spelled = c.stats.missingTokens.filter((m) => m.token !== '')
    if (spelled.length) {
      out.push({ key: 'missingSpellings', severity: 'info', params: { column: c.name, tokens: spelled.map((m) => `"${m.token}" ×${m.count}`).join(', ') } })
    }
    const isTarget = c.name === target
    if (isTarget || c.excluded) {
      if (c.type === 'id' && c.excluded) out.push({ key: 'idColumnExcluded', severity: 'info', params: { column: c.name } })
      continue
    }
    const missingShare = c.stats.count ? c.missing / c.stats.count : 0
    if (missingShare > MANY_MISSING) {
      out.push({ key: 'manyMissing', severity: 'warning', params: { column: c.name, percent: Math.round(missingShare * 100) }, fix: { kind: 'exclude-column', column: c.name } })
    }
    if (c.type === 'id') out.push({ key: 'idColumn', severity: 'warning', params: { column: c.name }, fix: { kind: 'exclude-column', column: c.name } })
    else if (c.stats.distinct <= 1 && !c.stats.distinctCapped) {
      out.push({ key: 'constantColumn', severity: 'info', params: { column: c.name }, fix: { kind: 'exclude-column', column: c.name } })
    } else if (c.type === 'categorical' && (c.stats.distinctCapped || (c.stats.distinct > 50 && c.stats.distinct > itemCount / 2))) {
      out.push({ key: 'highCardinality', severity: 'warning', params: { column: c.name, distinct: c.stats.distinct }, fix: { kind: 'exclude-column', column: c.name } })
    }
    if (targetCol) checked.push(c)
  }
  // A column that maps one-to-one onto the target gives the answer away.
  if (targetCol && checked.length) {
    const leaking = new Set(leakingColumns(db, datasetId, checked.map((c) => c.position), targetCol.position))
    for (const c of checked) {
      if (leaking.has(c.position)) out.push({ key: 'leakage', severity: 'problem', params: { column: c.name, target: targetCol.name }, fix: { kind: 'exclude-column', column: c.name } })
    }
  }
  return out
}

/** The dataset's health in plain words: balance, duplicates, unreadable files, sizes, and column problems. */
export function healthReport(db: Database.Database, datasetId: string): HealthReport {
  const d = getDataset(db, datasetId)
  const warnings: HealthWarning[] = [...classWarnings(db, datasetId)]
  warnings.push(...duplicateWarnings(db, datasetId))
  warnings.push(...skippedWarnings(db, datasetId))
  let sizes: HealthReport['imageSizes'] = null
  if (d.kind === 'images') {
    sizes = imageSizes(db, datasetId)
    if (sizes && (sizes.maxWidth > 4 * sizes.minWidth || sizes.maxHeight > 4 * sizes.minHeight)) {
      warnings.push({ key: 'sizeSpread', severity: 'info', params: { ...sizes } })
    }
  } else if (d.kind === 'table') warnings.push(...columnWarnings(db, d))
  else warnings.push(...readingNotes(d))
  return { datasetId, warnings, imageSizes: sizes }
}
