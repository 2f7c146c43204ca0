import type Database from 'better-sqlite3'
import type { ClassCount, DatasetItem, SplitCounts, SplitName } from '../../common/contract/dataset'
import { StrataError } from '../../common/errors'
import { SPLIT_BY_CODE } from './splits'

/**
 * The row store of table and text datasets. A 200k-row CSV as 200k rows of an indexed SQL table costs more to
 * write than to parse, so rows are kept in chunks of {@link CHUNK_ROWS} consecutive rows (JSON arrays of cells),
 * and what changes per row — its split and its label — in two compact per-dataset arrays. An item's id is its
 * position + 1; a removed row keeps its place (split code {@link REMOVED}) so ids never move.
 */

/** Rows per stored chunk: a page of the table preview reads one or two chunks. */
export const CHUNK_ROWS = 1024

/** Split code of a removed row (after 0 train, 1 validation, 2 test). */
export const REMOVED = 3

/** A row's cells as imported: strings, null where the cell was missing. */
export type Cells = Array<string | null>

/** Per-row split codes and labels of a table or text dataset. */
export interface RowState {
  splits: Uint8Array
  labels: Array<string | null>
}

/** How a dataset's stored rows become items: a table shows the row, a text dataset one cell of it. */
export interface RowShape {
  textPosition: number | null
}

const SPLIT_CODE: Record<SplitName, number> = { train: 0, validation: 1, test: 2 }

/** Reads a dataset's per-row splits and labels. */
export function readRowState(db: Database.Database, datasetId: string): RowState {
  const r = db.prepare('SELECT splits, labels FROM table_state WHERE dataset_id = ?').get(datasetId) as { splits: Buffer; labels: string } | undefined
  if (!r) return { splits: new Uint8Array(0), labels: [] }
  return { splits: new Uint8Array(r.splits.buffer, r.splits.byteOffset, r.splits.byteLength), labels: JSON.parse(r.labels) as Array<string | null> }
}

/** Writes a dataset's per-row splits and/or labels (insert or replace). */
export function writeRowState(db: Database.Database, datasetId: string, state: Partial<RowState>): void {
  const current = state.splits && state.labels ? (state as RowState) : { ...readRowState(db, datasetId), ...state }
  db.prepare('INSERT OR REPLACE INTO table_state (dataset_id, splits, labels) VALUES (?, ?, ?)').run(
    datasetId,
    Buffer.from(current.splits.buffer, current.splits.byteOffset, current.splits.byteLength),
    JSON.stringify(current.labels)
  )
}

/** The stored chunks of a dataset in order: each chunk's first position, its rows and their source lines. */
export function* rowChunks(db: Database.Database, datasetId: string): IterableIterator<{ first: number; rows: Cells[]; lines: Array<number | null> }> {
  const statement = db.prepare('SELECT first, rows, lines FROM table_chunks WHERE dataset_id = ? ORDER BY first')
  for (const c of statement.iterate(datasetId) as IterableIterator<{ first: number; rows: string; lines: string }>) {
    yield { first: c.first, rows: JSON.parse(c.rows) as Cells[], lines: JSON.parse(c.lines) as Array<number | null> }
  }
}

function readChunk(db: Database.Database, datasetId: string, first: number): Cells[] {
  const r = db.prepare('SELECT rows FROM table_chunks WHERE dataset_id = ? AND first = ?').get(datasetId, first) as { rows: string } | undefined
  return r ? (JSON.parse(r.rows) as Cells[]) : []
}

function toItem(shape: RowShape, state: RowState, position: number, cells: Cells): DatasetItem {
  const text = shape.textPosition === null ? null : (cells[shape.textPosition] ?? null)
  return {
    id: position + 1,
    label: state.labels[position] ?? null,
    split: SPLIT_BY_CODE[state.splits[position]],
    hash: null,
    file: null,
    width: null,
    height: null,
    text,
    row: shape.textPosition === null ? cells : null
  }
}

/** Positions of the rows a filter keeps, in order. */
function matching(state: RowState, filter: { split?: SplitName; label?: string }): number[] {
  const split = filter.split === undefined ? -1 : SPLIT_CODE[filter.split]
  const out: number[] = []
  for (let p = 0; p < state.splits.length; p++) {
    const s = state.splits[p]
    if (s === REMOVED || (split >= 0 && s !== split) || (filter.label !== undefined && state.labels[p] !== filter.label)) continue
    out.push(p)
  }
  return out
}

/** The items at some positions (kept rows only), in position order, reading only the chunks that hold them. */
function itemsAt(db: Database.Database, datasetId: string, shape: RowShape, state: RowState, positions: readonly number[]): DatasetItem[] {
  const items: DatasetItem[] = []
  let chunkFirst = -1
  let chunk: Cells[] = []
  for (const p of [...positions].sort((a, b) => a - b)) {
    if (p < 0 || p >= state.splits.length || state.splits[p] === REMOVED) continue
    const first = p - (p % CHUNK_ROWS)
    if (first !== chunkFirst) {
      chunk = readChunk(db, datasetId, first)
      chunkFirst = first
    }
    const cells = chunk[p - first]
    if (cells) items.push(toItem(shape, state, p, cells))
  }
  return items
}

/** A page of a table or text dataset's items, with the total the filter keeps. */
export function listRowItems(
  db: Database.Database,
  datasetId: string,
  shape: RowShape,
  filter: { split?: SplitName; label?: string; offset?: number; limit?: number }
): { total: number; items: DatasetItem[] } {
  const state = readRowState(db, datasetId)
  const positions = matching(state, filter)
  const offset = filter.offset ?? 0
  return { total: positions.length, items: itemsAt(db, datasetId, shape, state, positions.slice(offset, offset + (filter.limit ?? 200))) }
}

/** Some items by id (those that exist and are not removed), in id order. */
export function rowItemsById(db: Database.Database, datasetId: string, shape: RowShape, ids: readonly number[]): DatasetItem[] {
  return itemsAt(db, datasetId, shape, readRowState(db, datasetId), ids.map((id) => id - 1))
}

/** Streams the items of a table or text dataset (optionally one split or label) in import order, a chunk at a time. */
export function* iterateRowItems(db: Database.Database, datasetId: string, shape: RowShape, filter: { split?: SplitName; label?: string } = {}): IterableIterator<DatasetItem> {
  const state = readRowState(db, datasetId)
  const split = filter.split === undefined ? -1 : SPLIT_CODE[filter.split]
  for (const { first, rows } of rowChunks(db, datasetId)) {
    for (let i = 0; i < rows.length; i++) {
      const p = first + i
      const s = state.splits[p]
      if (s === REMOVED || (split >= 0 && s !== split) || (filter.label !== undefined && state.labels[p] !== filter.label)) continue
      yield toItem(shape, state, p, rows[i])
    }
  }
}

/** How many kept rows each split holds. */
export function rowSplitCounts(state: RowState): SplitCounts {
  const counts = [0, 0, 0, 0]
  for (const s of state.splits) counts[s]++
  return { train: counts[0], validation: counts[1], test: counts[2] }
}

/** How many kept rows carry each label, largest first. */
export function rowClassCounts(state: RowState): ClassCount[] {
  const counts = new Map<string, number>()
  state.labels.forEach((label, p) => {
    if (label !== null && state.splits[p] !== REMOVED) counts.set(label, (counts.get(label) ?? 0) + 1)
  })
  return [...counts.entries()].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))
}

/** Relabels or removes one row. */
export function updateRow(db: Database.Database, datasetId: string, itemId: number, change: { label?: string; remove?: boolean }): void {
  const state = readRowState(db, datasetId)
  const p = itemId - 1
  if (!Number.isInteger(p) || p < 0 || p >= state.splits.length || state.splits[p] === REMOVED) throw new StrataError('ITEM_NOT_FOUND', { id: itemId })
  if (change.remove) state.splits[p] = REMOVED
  else if (change.label !== undefined) state.labels[p] = change.label.normalize('NFC')
  writeRowState(db, datasetId, state)
}

/** Sets every kept row's split; `codes[k]` is the split code of the k-th kept row. */
export function setRowSplits(db: Database.Database, datasetId: string, codes: Uint8Array): void {
  const state = readRowState(db, datasetId)
  let k = 0
  for (let p = 0; p < state.splits.length; p++) if (state.splits[p] !== REMOVED) state.splits[p] = codes[k++]
  writeRowState(db, datasetId, state)
}

/** The kept rows' labels in order (what stratified splits are cut from). */
export function keptLabels(state: RowState): Array<string | null> {
  return state.labels.filter((_, p) => state.splits[p] !== REMOVED)
}

/** Refills every row's label from one of its cells (null: no label), dropping any relabelling. */
export function labelRowsFromCell(db: Database.Database, datasetId: string, position: number | null): void {
  const state = readRowState(db, datasetId)
  if (position !== null) for (const { first, rows } of rowChunks(db, datasetId)) rows.forEach((cells, i) => (state.labels[first + i] = cells[position] ?? null))
  else state.labels.fill(null)
  writeRowState(db, datasetId, state)
}

/** What a row is compared by for duplicates: a table's cells, a text dataset's text. */
function contentKey(shape: RowShape, cells: Cells): string | null {
  if (shape.textPosition === null) return JSON.stringify(cells)
  return cells[shape.textPosition] ?? null
}

/** Groups of kept rows with the same content: for each, the labels seen, how often each (content, label) pair occurs, the last row and its line. */
interface ContentGroup {
  labels: Map<string | null, number>
  last: number
  line: number | null
}

function contentGroups(db: Database.Database, datasetId: string, shape: RowShape, state: RowState): Map<string, ContentGroup> {
  const groups = new Map<string, ContentGroup>()
  for (const { first, rows, lines } of rowChunks(db, datasetId)) {
    rows.forEach((cells, i) => {
      const p = first + i
      if (state.splits[p] === REMOVED) return
      const key = contentKey(shape, cells)
      if (key === null) return
      const label = state.labels[p] ?? null
      const g = groups.get(key)
      if (g) {
        g.labels.set(label, (g.labels.get(label) ?? 0) + 1)
        g.last = p
        g.line = lines[i] ?? null
      } else groups.set(key, { labels: new Map([[label, 1]]), last: p, line: lines[i] ?? null })
    })
  }
  return groups
}

/** Exact duplicates (same content and label beyond the first) and rows whose content carries several labels. */
export function rowDuplicates(
  db: Database.Database,
  datasetId: string,
  shape: RowShape,
  maxConflicts: number
): { duplicates: number; conflicts: Array<{ labels: string[]; itemId: number; line: number | null }> } {
  const state = readRowState(db, datasetId)
  let duplicates = 0
  const conflicts: Array<{ labels: string[]; itemId: number; line: number | null }> = []
  for (const g of contentGroups(db, datasetId, shape, state).values()) {
    for (const n of g.labels.values()) duplicates += n - 1
    const labels = [...g.labels.keys()].filter((l): l is string => l !== null)
    if (labels.length > 1 && conflicts.length < maxConflicts) conflicts.push({ labels, itemId: g.last + 1, line: g.line })
  }
  return { duplicates, conflicts }
}

/** Removes exact duplicates (same content and label), keeping the first of each; returns how many went. */
export function dropRowDuplicates(db: Database.Database, datasetId: string, shape: RowShape): number {
  const state = readRowState(db, datasetId)
  const seen = new Set<string>()
  let removed = 0
  for (const { first, rows } of rowChunks(db, datasetId)) {
    rows.forEach((cells, i) => {
      const p = first + i
      if (state.splits[p] === REMOVED) return
      const key = `${contentKey(shape, cells)}\u0000${state.labels[p]}`
      if (!seen.has(key)) seen.add(key)
      else {
        state.splits[p] = REMOVED
        removed++
      }
    })
  }
  if (removed) writeRowState(db, datasetId, state)
  return removed
}

/**
 * The columns (by position) whose values map one-to-one onto the target column's over the kept rows, with more
 * than one value: each gives the answer away. A column stops being tracked at its first value that breaks the mapping.
 */
export function leakingColumns(db: Database.Database, datasetId: string, positions: readonly number[], target: number): number[] {
  const state = readRowState(db, datasetId)
  const tracked = new Map(positions.map((p) => [p, { forward: new Map<string | null, string | null>(), backward: new Map<string | null, string | null>() }]))
  for (const { first, rows } of rowChunks(db, datasetId)) {
    for (let i = 0; i < rows.length && tracked.size; i++) {
      if (state.splits[first + i] === REMOVED) continue
      const cells = rows[i]
      const t = cells[target] ?? null
      for (const [p, m] of tracked) {
        const v = cells[p] ?? null
        const f = m.forward.get(v)
        const b = m.backward.get(t)
        if ((f !== undefined && f !== t) || (b !== undefined && b !== v)) tracked.delete(p)
        else {
          m.forward.set(v, t)
          m.backward.set(t, v)
        }
      }
    }
  }
  return [...tracked.entries()].filter(([, m]) => m.forward.size > 1).map(([p]) => p)
}

/** The SQL of the row store (migration 6). */
export const ROW_STORE_SCHEMA = `
  -- Rows of table and text datasets, CHUNK_ROWS consecutive rows per chunk: rows is a JSON array of rows
  -- (arrays of cells, null where missing), lines the JSON array of the line each row was read from.
  CREATE TABLE table_chunks (
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    first      INTEGER NOT NULL,
    rows       TEXT NOT NULL,
    lines      TEXT NOT NULL,
    PRIMARY KEY (dataset_id, first)
  );
  -- What changes per row: splits has one byte per row (0 train, 1 validation, 2 test, 3 removed),
  -- labels is the JSON array of each row's label.
  CREATE TABLE table_state (
    dataset_id TEXT PRIMARY KEY REFERENCES datasets (id) ON DELETE CASCADE,
    splits     BLOB NOT NULL,
    labels     TEXT NOT NULL
  );
`

/**
 * Moves the items of a project's table and text datasets from the items table into the row store (migration 6):
 * kept items are numbered again from 1 in import order, and evaluations and dataset edits are renumbered with them
 * (an item removed before the move keeps a negative id that matches nothing).
 */
export function moveItemsIntoRowStore(db: Database.Database): void {
  db.exec('CREATE TEMP TABLE moved_ids (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)')
  const datasets = db.prepare("SELECT id, kind, target, text_column FROM datasets WHERE kind IN ('table', 'text')").all() as Array<{
    id: string
    kind: 'table' | 'text'
    target: string | null
    text_column: string | null
  }>
  const putChunk = db.prepare('INSERT INTO table_chunks (dataset_id, first, rows, lines) VALUES (?, ?, ?, ?)')
  const putId = db.prepare('INSERT INTO moved_ids (old, new) VALUES (?, ?)')
  for (const d of datasets) {
    const columns = db.prepare('SELECT name, position FROM columns WHERE dataset_id = ? ORDER BY position').all(d.id) as Array<{ name: string; position: number }>
    const width = Math.max(columns.length, 1)
    const textAt = columns.find((c) => c.name === d.text_column)?.position ?? 0
    const labelAt = columns.find((c) => c.name === d.target)?.position ?? null
    const items = db.prepare('SELECT id, label, split, text, row, meta FROM items WHERE dataset_id = ? ORDER BY position, id').iterate(d.id) as IterableIterator<{
      id: number
      label: string | null
      split: SplitName
      text: string | null
      row: string | null
      meta: string
    }>
    const splits: number[] = []
    const labels: Array<string | null> = []
    let rows: Cells[] = []
    let lines: Array<number | null> = []
    const flush = (): void => {
      if (rows.length) putChunk.run(d.id, splits.length - rows.length, JSON.stringify(rows), JSON.stringify(lines))
      rows = []
      lines = []
    }
    const ids: Array<[number, number]> = []
    for (const it of items) {
      let cells: Cells
      if (d.kind === 'table') cells = it.row ? (JSON.parse(it.row) as Cells) : []
      else {
        // A text dataset kept only the text and the label of each row: they go back in their columns.
        cells = new Array<string | null>(width).fill(null)
        cells[textAt] = it.text
        if (labelAt !== null) cells[labelAt] = it.label
      }
      ids.push([it.id, splits.length + 1])
      splits.push(SPLIT_CODE[it.split])
      labels.push(it.label)
      rows.push(cells)
      lines.push((JSON.parse(it.meta) as { line?: number }).line ?? null)
      if (rows.length === CHUNK_ROWS) flush()
    }
    flush()
    for (const [old, now] of ids) putId.run(old, now)
    db.prepare('INSERT INTO table_state (dataset_id, splits, labels) VALUES (?, ?, ?)').run(d.id, Buffer.from(Uint8Array.from(splits)), JSON.stringify(labels))
    db.prepare('DELETE FROM items WHERE dataset_id = ?').run(d.id)
    // Two steps, so no renumbered id ever meets an old one: first every id of this dataset negative, then the kept ones renumbered.
    const runs = '(SELECT id FROM runs WHERE dataset_id = ?)'
    db.prepare(`UPDATE evaluation_items SET item_id = -item_id WHERE run_id IN ${runs}`).run(d.id)
    db.prepare(`UPDATE evaluation_items SET item_id = (SELECT new FROM moved_ids WHERE old = -item_id) WHERE run_id IN ${runs} AND -item_id IN (SELECT old FROM moved_ids)`).run(d.id)
    db.prepare('UPDATE dataset_edits SET item_id = -item_id WHERE dataset_id = ? AND item_id IS NOT NULL').run(d.id)
    db.prepare('UPDATE dataset_edits SET item_id = (SELECT new FROM moved_ids WHERE old = -item_id) WHERE dataset_id = ? AND -item_id IN (SELECT old FROM moved_ids)').run(d.id)
    db.exec('DELETE FROM moved_ids')
  }
  db.exec('DROP TABLE moved_ids')
}
