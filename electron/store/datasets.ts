import type Database from 'better-sqlite3'
import type {
  ClassCount,
  ColumnType,
  DatasetColumn,
  DatasetItem,
  DatasetKind,
  DatasetSummary,
  SkippedFile,
  SplitCounts,
  SplitName,
  SplitRatios
} from '../../common/contract/dataset'
import { StrataError } from '../../common/errors'
import { translate } from '../../common/i18n'
import { ColumnAccumulator, isClassType } from './columns'
import { datasetCells, normalTokens, readSettings, updateSettings } from './dataset-settings'
import { assignSplits, assignSplitsByClass, SPLIT_BY_CODE } from './splits'
import {
  columnCells,
  dropRowDuplicates,
  dropUnlabelledRows,
  iterateRowItems,
  keptClasses,
  labelRowsFromCell,
  listRowItems,
  readRowState,
  rowClassCounts,
  rowItemsById,
  rowSplitCounts,
  rowUnlabelledCount,
  setRowSplits,
  updateRow,
  type RowShape,
  type RowState
} from './table-rows'

export { blobPath, readBlob, thumbPath } from './blobs'
export { decodeImageRgb } from './image-decode'

/** Most skipped files a summary lists; the count is always complete. */
export const MAX_LISTED_SKIPPED = 1000

interface DatasetDbRow {
  id: string
  name: string
  kind: DatasetKind
  source: string
  created_at: string
  seed: number
  ratio_train: number
  ratio_validation: number
  ratio_test: number
  target: string | null
  text_column: string | null
  settings: string
}

interface ColumnDbRow {
  position: number
  name: string
  inferred_type: ColumnType
  user_type: ColumnType | null
  excluded: number
  missing: number
  stats: string
}

interface ItemDbRow {
  id: number
  label: string | null
  split: SplitName
  hash: string | null
  text: string | null
  row: string | null
  meta: string
}

function datasetRow(db: Database.Database, id: string): DatasetDbRow {
  const row = db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetDbRow | undefined
  if (!row) throw new StrataError('DATASET_NOT_FOUND', { id })
  return row
}

/** How a table or text dataset's stored rows become items; null for images (kept in the items table). */
export function rowShape(db: Database.Database, datasetId: string): RowShape | null {
  const d = datasetRow(db, datasetId)
  if (d.kind === 'images') return null
  if (d.kind === 'table') return { textPosition: null }
  const col = db.prepare('SELECT position FROM columns WHERE dataset_id = ? AND name = ?').get(datasetId, d.text_column) as { position: number } | undefined
  return { textPosition: col?.position ?? 0 }
}

/** A skip record in plain English, for the CLI's JSON and logs; the UI translates `code` itself. */
export function describeSkip(file: string, code: SkippedFile['code'], detail: string | null | undefined): SkippedFile {
  return { file, code, reason: translate('en', `data.skip.${code}`, { detail: detail ?? '' }), ...(detail ? { detail } : {}) }
}

/** A dataset's table columns, in file order, with the type in force and the spellings each reads as missing. */
export function getColumns(db: Database.Database, datasetId: string): DatasetColumn[] {
  const rows = db.prepare('SELECT * FROM columns WHERE dataset_id = ? ORDER BY position').all(datasetId) as ColumnDbRow[]
  const cells = datasetCells(readSettings(db, datasetId))
  return rows.map((c) => {
    const missing = cells.missing(c.position)
    return {
      name: c.name,
      position: c.position,
      inferredType: c.inferred_type,
      userType: c.user_type,
      type: c.user_type ?? c.inferred_type,
      excluded: c.excluded === 1,
      missing: c.missing,
      missingTokens: [...missing.tokens],
      missingChosen: missing.chosen,
      stats: { top: [], missingTokens: [], ...JSON.parse(c.stats) }
    }
  })
}

/** True when a dataset's labels are classes (images, texts, or a table with a categorical or boolean target). */
export function hasClasses(db: Database.Database, datasetId: string): boolean {
  const d = datasetRow(db, datasetId)
  if (d.kind !== 'table') return true
  const target = getColumns(db, datasetId).find((c) => c.name === d.target)
  return target ? isClassType(target.type) : false
}

/** A table or text dataset's per-row state (null for images), read once for several counts. */
function rowStateOf(db: Database.Database, datasetId: string): RowState | null {
  return datasetRow(db, datasetId).kind === 'images' ? null : readRowState(db, datasetId)
}

/** How many items carry each label, largest first (empty for a table whose target is not a class). */
export function classCounts(db: Database.Database, datasetId: string, rows: RowState | null = rowStateOf(db, datasetId)): ClassCount[] {
  if (!hasClasses(db, datasetId)) return []
  if (rows) return rowClassCounts(rows)
  return db
    .prepare('SELECT label, COUNT(*) AS count FROM items WHERE dataset_id = ? AND label IS NOT NULL GROUP BY label ORDER BY count DESC, label')
    .all(datasetId) as ClassCount[]
}

/** How many items each split holds. */
export function splitCounts(db: Database.Database, datasetId: string, rows: RowState | null = rowStateOf(db, datasetId)): SplitCounts {
  if (rows) return rowSplitCounts(rows)
  const counts: SplitCounts = { train: 0, validation: 0, test: 0 }
  for (const r of db.prepare('SELECT split, COUNT(*) AS n FROM items WHERE dataset_id = ? GROUP BY split').all(datasetId) as Array<{ split: SplitName; n: number }>) {
    counts[r.split] = r.n
  }
  return counts
}

/** Everything the studio shows about one dataset. */
export function getDataset(db: Database.Database, datasetId: string): DatasetSummary {
  const d = datasetRow(db, datasetId)
  const rows = rowStateOf(db, datasetId)
  const splits = splitCounts(db, datasetId, rows)
  const skipped = db
    .prepare('SELECT file, code, detail FROM import_skipped WHERE dataset_id = ? ORDER BY position LIMIT ?')
    .all(datasetId, MAX_LISTED_SKIPPED) as Array<{ file: string; code: SkippedFile['code']; detail: string | null }>
  const { n: skippedCount } = db.prepare('SELECT COUNT(*) AS n FROM import_skipped WHERE dataset_id = ?').get(datasetId) as { n: number }
  const settings = readSettings(db, datasetId)
  return {
    id: d.id,
    name: d.name,
    kind: d.kind,
    source: d.source,
    createdAt: d.created_at,
    seed: d.seed,
    ratios: { train: d.ratio_train, validation: d.ratio_validation, test: d.ratio_test },
    target: d.target,
    textColumn: d.text_column,
    itemCount: splits.train + splits.validation + splits.test,
    classes: classCounts(db, datasetId, rows),
    splits,
    columns: getColumns(db, datasetId),
    skipped: skipped.map((s) => describeSkip(s.file, s.code, s.detail)),
    skippedCount,
    unlabelled: rows ? rowUnlabelledCount(rows) : 0,
    reading:
      d.kind !== 'images' && settings.encoding
        ? {
            encoding: settings.encoding,
            encodingDetected: settings.encodingDetected ?? true,
            decimal: settings.decimal ?? '.',
            renamed: settings.renamed ?? [],
            json: settings.json ?? null
          }
        : null,
    variantOf: settings.variantOf ?? null
  }
}

/** Every dataset of the project, oldest first. */
export function listDatasets(db: Database.Database): DatasetSummary[] {
  const ids = db.prepare('SELECT id FROM datasets ORDER BY created_at, rowid').all() as Array<{ id: string }>
  return ids.map(({ id }) => getDataset(db, id))
}

function toItem(r: ItemDbRow): DatasetItem {
  const meta = JSON.parse(r.meta) as { file?: string; width?: number; height?: number }
  return {
    id: r.id,
    label: r.label,
    split: r.split,
    hash: r.hash,
    file: meta.file ?? null,
    width: meta.width ?? null,
    height: meta.height ?? null,
    text: r.text,
    row: r.row ? (JSON.parse(r.row) as Array<string | null>) : null
  }
}

/** Which items to read: one split and/or one label. */
export interface ItemFilter {
  split?: SplitName
  label?: string
}

function where(datasetId: string, filter: ItemFilter): { sql: string; params: unknown[] } {
  const parts = ['dataset_id = ?']
  const params: unknown[] = [datasetId]
  if (filter.split) {
    parts.push('split = ?')
    params.push(filter.split)
  }
  if (filter.label !== undefined) {
    parts.push('label = ?')
    params.push(filter.label)
  }
  return { sql: parts.join(' AND '), params }
}

/** A page of items in import order, for the grid and the table preview. */
export function listItems(
  db: Database.Database,
  datasetId: string,
  filter: ItemFilter & { offset?: number; limit?: number } = {}
): { total: number; items: DatasetItem[] } {
  const shape = rowShape(db, datasetId)
  if (shape) return listRowItems(db, datasetId, shape, filter)
  const w = where(datasetId, filter)
  const { n } = db.prepare(`SELECT COUNT(*) AS n FROM items WHERE ${w.sql}`).get(...w.params) as { n: number }
  const rows = db
    .prepare(`SELECT id, label, split, hash, text, row, meta FROM items WHERE ${w.sql} ORDER BY position LIMIT ? OFFSET ?`)
    .all(...w.params, filter.limit ?? 200, filter.offset ?? 0) as ItemDbRow[]
  return { total: n, items: rows.map(toItem) }
}

/** Some items of a dataset by id (those that still exist), in id order. */
export function itemsById(db: Database.Database, datasetId: string, ids: readonly number[]): DatasetItem[] {
  const shape = rowShape(db, datasetId)
  if (shape) return rowItemsById(db, datasetId, shape, ids)
  const rows = db
    .prepare('SELECT id, label, split, hash, text, row, meta FROM items WHERE dataset_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id')
    .all(datasetId, JSON.stringify(ids)) as ItemDbRow[]
  return rows.map(toItem)
}

/**
 * Streams every item of a dataset (optionally one split) in import order without loading them all:
 * the training pipeline's entry point. Images carry `hash` (read with readBlob/decodeImageRgb), texts `text`,
 * table rows `row` (cells as strings, null when missing; types from {@link getColumns}); `label` is the class or target value.
 */
export function* iterateItems(db: Database.Database, datasetId: string, filter: ItemFilter = {}): IterableIterator<DatasetItem> {
  const shape = rowShape(db, datasetId)
  if (shape) {
    yield* iterateRowItems(db, datasetId, shape, filter)
    return
  }
  const w = where(datasetId, filter)
  const statement = db.prepare(`SELECT id, label, split, hash, text, row, meta FROM items WHERE ${w.sql} ORDER BY position`)
  for (const r of statement.iterate(...w.params) as IterableIterator<ItemDbRow>) yield toItem(r)
}

/** The table columns a model should use as inputs: not excluded, not ID-like, not the target. */
export function featureColumns(db: Database.Database, datasetId: string): DatasetColumn[] {
  const d = datasetRow(db, datasetId)
  return getColumns(db, datasetId).filter((c) => !c.excluded && c.type !== 'id' && c.name !== d.target && c.name !== d.text_column)
}

/** Labels in import order, for stratification: null for every item when the target is not a class. */
function stratifyLabels(db: Database.Database, datasetId: string): { ids: number[]; labels: Array<string | null> } {
  const classes = hasClasses(db, datasetId)
  const rows = db.prepare('SELECT id, label FROM items WHERE dataset_id = ? ORDER BY position').raw().all(datasetId) as Array<[number, string | null]>
  return { ids: rows.map((r) => r[0]), labels: rows.map((r) => (classes ? r[1] : null)) }
}

/** Re-cuts a dataset's splits with new ratios and/or seed (stratified, seeded) and saves them. */
export function resplit(db: Database.Database, datasetId: string, ratios?: SplitRatios, seed?: number): void {
  const d = datasetRow(db, datasetId)
  const r = ratios ?? { train: d.ratio_train, validation: d.ratio_validation, test: d.ratio_test }
  const s = seed ?? d.seed
  const saveRatios = (): void => {
    db.prepare('UPDATE datasets SET seed = ?, ratio_train = ?, ratio_validation = ?, ratio_test = ? WHERE id = ?').run(s, r.train, r.validation, r.test, datasetId)
  }
  if (d.kind !== 'images') {
    const state = readRowState(db, datasetId)
    const classes = keptClasses(state)
    const codes = assignSplitsByClass(hasClasses(db, datasetId) ? classes : classes.fill(-1), state.labels.values, r, s)
    db.transaction(() => {
      saveRatios()
      setRowSplits(db, datasetId, codes)
    })()
    return
  }
  const { ids, labels } = stratifyLabels(db, datasetId)
  const codes = assignSplits(labels, r, s)
  const update = db.prepare('UPDATE items SET split = ? WHERE id = ?')
  db.transaction(() => {
    saveRatios()
    ids.forEach((id, i) => update.run(SPLIT_BY_CODE[codes[i]], id))
  })()
}

/** Relabels or removes one item. */
export function updateItem(db: Database.Database, datasetId: string, itemId: number, change: { label?: string; remove?: boolean }): void {
  if (rowShape(db, datasetId)) return updateRow(db, datasetId, itemId, change)
  const found = db.prepare('SELECT id FROM items WHERE id = ? AND dataset_id = ?').get(itemId, datasetId)
  if (!found) throw new StrataError('ITEM_NOT_FOUND', { id: itemId })
  if (change.remove) db.prepare('DELETE FROM items WHERE id = ?').run(itemId)
  else if (change.label !== undefined) db.prepare('UPDATE items SET label = ? WHERE id = ?').run(change.label.normalize('NFC'), itemId)
}

/** Removes the table rows without a target (no value to predict); returns how many went. */
export function dropUnlabelled(db: Database.Database, datasetId: string): number {
  return rowShape(db, datasetId) ? dropUnlabelledRows(db, datasetId) : 0
}

/** Removes exact duplicates (same content and label), keeping the first of each; returns how many went. */
export function dropDuplicates(db: Database.Database, datasetId: string): number {
  const shape = rowShape(db, datasetId)
  if (shape) return dropRowDuplicates(db, datasetId, shape)
  return db
    .prepare(
      `DELETE FROM items WHERE dataset_id = ? AND id NOT IN (
         SELECT MIN(id) FROM items WHERE dataset_id = ? GROUP BY hash, label)`
    )
    .run(datasetId, datasetId).changes
}

/**
 * Changes a column's type (null restores the inferred one), whether it is left out of the features, and/or the
 * spellings it reads as missing (null restores the defaults). New missing spellings read the column again: its
 * missing count, statistics and inferred type (and, for the target, the labels) follow them.
 */
export function setColumn(
  db: Database.Database,
  datasetId: string,
  name: string,
  change: { type?: ColumnType | null; excluded?: boolean; missing?: readonly string[] | null }
): void {
  const d = datasetRow(db, datasetId)
  const found = db.prepare('SELECT position FROM columns WHERE dataset_id = ? AND name = ?').get(datasetId, name) as { position: number } | undefined
  if (!found) throw new StrataError('COLUMN_NOT_FOUND', { column: name })
  if (change.type !== undefined && d.target === name && change.type !== null) checkTargetType(db, datasetId, name, change.type)
  db.transaction(() => {
    if (change.type !== undefined) db.prepare('UPDATE columns SET user_type = ? WHERE dataset_id = ? AND name = ?').run(change.type, datasetId, name)
    if (change.excluded !== undefined) db.prepare('UPDATE columns SET excluded = ? WHERE dataset_id = ? AND name = ?').run(change.excluded ? 1 : 0, datasetId, name)
    if (change.missing !== undefined && d.kind !== 'images') {
      const settings = readSettings(db, datasetId)
      const columnMissing = { ...(settings.columnMissing ?? {}) }
      if (change.missing === null) delete columnMissing[String(found.position)]
      else columnMissing[String(found.position)] = normalTokens(change.missing)
      updateSettings(db, datasetId, { columnMissing })
      rescanColumn(db, datasetId, found.position, name)
      if (d.target === name) labelRowsFromCell(db, datasetId, found.position)
    }
  })()
}

/** Reads one column's cells again with its missing spellings and stores its missing count, statistics and inferred type. */
function rescanColumn(db: Database.Database, datasetId: string, position: number, name: string): void {
  const cells = datasetCells(readSettings(db, datasetId))
  const accumulator = new ColumnAccumulator(name, { decimal: cells.decimal, missing: cells.missing(position).tokens })
  for (const cell of columnCells(db, datasetId, position)) accumulator.add(cell)
  db.prepare('UPDATE columns SET inferred_type = ?, missing = ?, stats = ? WHERE dataset_id = ? AND position = ?').run(
    accumulator.inferType(),
    accumulator.missing,
    JSON.stringify(accumulator.stats()),
    datasetId,
    position
  )
}

/**
 * Refuses a target that cannot be learnt: a class column with one value in every row, or a number column with the
 * same number everywhere (TARGET_ONE_VALUE, naming the value).
 */
function checkTargetType(db: Database.Database, datasetId: string, name: string, type: ColumnType): void {
  const c = getColumns(db, datasetId).find((col) => col.name === name)
  if (!c || c.stats.distinctCapped || c.stats.distinct >= 2) return
  if (isClassType(type) || type === 'numeric') {
    throw new StrataError('TARGET_ONE_VALUE', { column: name, value: c.stats.top[0]?.value ?? '', count: c.stats.count - c.missing })
  }
}

/** Makes a column the table's target: labels are refilled from it and the splits re-cut; a one-value column is refused. */
export function setTarget(db: Database.Database, datasetId: string, name: string): void {
  const d = datasetRow(db, datasetId)
  if (d.kind !== 'table') throw new StrataError('COLUMN_NOT_FOUND', { column: name })
  const col = db.prepare('SELECT position FROM columns WHERE dataset_id = ? AND name = ?').get(datasetId, name) as { position: number } | undefined
  if (!col) throw new StrataError('COLUMN_NOT_FOUND', { column: name })
  const column = getColumns(db, datasetId).find((c) => c.name === name)!
  checkTargetType(db, datasetId, name, column.type)
  db.transaction(() => {
    db.prepare('UPDATE datasets SET target = ? WHERE id = ?').run(name, datasetId)
    db.prepare('UPDATE columns SET excluded = 0 WHERE dataset_id = ? AND name = ?').run(datasetId, name)
    labelRowsFromCell(db, datasetId, col.position)
  })()
  resplit(db, datasetId)
}

/** Deletes a dataset and its items; blobs stay, since other datasets may share them. */
export function removeDataset(db: Database.Database, datasetId: string): boolean {
  return db.prepare('DELETE FROM datasets WHERE id = ?').run(datasetId).changes > 0
}

/** Sets every item's split from a rule on the item (e.g. keeping a source's own train/test division). */
export function setSplitsBy(db: Database.Database, datasetId: string, choose: (item: DatasetItem, index: number) => SplitName): void {
  const assignments = [...iterateItems(db, datasetId)].map((item, i) => [choose(item, i), item.id] as const)
  if (rowShape(db, datasetId)) {
    setRowSplits(db, datasetId, Uint8Array.from(assignments, ([split]) => SPLIT_BY_CODE.indexOf(split)))
    return
  }
  const update = db.prepare('UPDATE items SET split = ? WHERE id = ?')
  db.transaction(() => {
    for (const [split, id] of assignments) update.run(split, id)
  })()
}
