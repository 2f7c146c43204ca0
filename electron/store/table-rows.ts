import fs from 'node:fs'
import path from 'node:path'
import type Database from 'better-sqlite3'
import type { ClassCount, DatasetItem, SplitCounts, SplitName } from '../../common/contract/dataset'
import { StrataError } from '../../common/errors'
import { blobPath } from './blobs'
import { MISSING_TOKENS, parseNumberCell } from '../../common/data/cells'
import { missingTest } from './columns'
import { readCsvText, type CsvDialect, type CsvTextRange } from './csv-reader'
import { datasetCells, readSettings, type DatasetCells } from './dataset-settings'
import { SPLIT_BY_CODE } from './splits'

/**
 * The row store of table and text datasets. A 200k-row CSV as 200k rows of an indexed SQL table costs more to
 * write than to parse, so the rows stay where they already are — in the imported file's text, kept in blobs/ —
 * and project.db holds an index of chunks of that text (byte range, first row, first line) and, per dataset, what
 * changes per row: its split and its label, as two compact arrays. Reading a chunk parses its text again, the same
 * way the import did. An item's id is its position + 1; a removed row keeps its place (split code {@link REMOVED}),
 * so ids never move.
 */

/** Split code of a removed row (after 0 train, 1 validation, 2 test). */
export const REMOVED = 3

/** A row's cells as imported: strings, null where the cell was missing. */
export type Cells = Array<string | null>

/**
 * Each row's label, kept as a class number into a list of distinct labels (-1: no label): a 200k-row dataset's
 * labels are one typed array and a short list, cheap to store, count and split.
 */
export class RowLabels {
  private readonly index: Map<string, number>

  constructor(
    readonly codes: Int32Array,
    readonly values: string[]
  ) {
    this.index = new Map(values.map((v, i) => [v, i]))
  }

  /** Labels given as strings, one per row. */
  static of(labels: ReadonlyArray<string | null>): RowLabels {
    const out = new RowLabels(new Int32Array(labels.length), [])
    labels.forEach((label, p) => out.set(p, label))
    return out
  }

  /** The label of the row at a position. */
  at(position: number): string | null {
    const c = this.codes[position]
    return c < 0 ? null : this.values[c]
  }

  /** The class number of a label: -1 for no label, -2 for a label no row has. */
  codeOf(label: string | null): number {
    return label === null ? -1 : (this.index.get(label) ?? -2)
  }

  /** Sets the label of the row at a position. */
  set(position: number, label: string | null): void {
    if (label === null) {
      this.codes[position] = -1
      return
    }
    let c = this.index.get(label)
    if (c === undefined) {
      c = this.values.push(label) - 1
      this.index.set(label, c)
    }
    this.codes[position] = c
  }
}

/** Per-row split codes and labels of a table or text dataset. */
export interface RowState {
  splits: Uint8Array
  labels: RowLabels
  /**
   * Per label code, whether rows with that label have a target to learn (a number, for a number target); rows
   * without one (no label, or an unusable one) belong to no split. Absent: every label is usable.
   */
  usable?: Uint8Array
}

/** True when the row at a position has a target: it is in its split (else in none, see {@link RowState.usable}). */
export function hasUsableLabel(state: RowState, position: number): boolean {
  const c = state.labels.codes[position]
  return c >= 0 && (state.usable === undefined || state.usable[c] === 1)
}

function int32Blob(codes: Int32Array): Buffer {
  return Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength)
}

/** Where a dataset's rows are read from: a blob holding the text (from `offset` on), its dialect and row width. */
export interface RowSource {
  blob: string
  offset: number
  delimiter: string
  newline: CsvDialect['newline']
  width: number
}

/** One stored chunk: a byte range of the text (from the source's offset) and the position of its first row. */
export interface RowChunk extends CsvTextRange {
  first: number
  count: number
}

/** How a dataset's stored rows become items: a table shows the row, a text dataset one cell of it. */
export interface RowShape {
  textPosition: number | null
}

/** The split codes of table_state.splits (after them, {@link REMOVED}). */
export const SPLIT_CODE: Record<SplitName, number> = { train: 0, validation: 1, test: 2 }

/** Reads a dataset's per-row splits and labels, and which labels are usable targets (a number target's numbers). */
export function readRowState(db: Database.Database, datasetId: string): RowState {
  const r = db.prepare('SELECT splits, labels, label_values FROM table_state WHERE dataset_id = ?').get(datasetId) as
    | { splits: Buffer; labels: Buffer; label_values: string }
    | undefined
  if (!r) return { splits: new Uint8Array(0), labels: new RowLabels(new Int32Array(0), []) }
  // Copied into fresh arrays: a Buffer from SQLite need not be aligned for an Int32Array.
  const codes = new Int32Array(r.labels.byteLength / 4)
  new Uint8Array(codes.buffer).set(r.labels)
  const values = JSON.parse(r.label_values) as string[]
  const target = db
    .prepare("SELECT IFNULL(c.user_type, c.inferred_type) AS type FROM datasets d JOIN columns c ON c.dataset_id = d.id AND c.name = d.target WHERE d.id = ? AND d.kind = 'table'")
    .get(datasetId) as { type: string } | undefined
  const state: RowState = { splits: Uint8Array.from(r.splits), labels: new RowLabels(codes, values) }
  if (target?.type === 'numeric') {
    const decimal = datasetCells(readSettings(db, datasetId)).decimal
    state.usable = Uint8Array.from(values, (v) => (parseNumberCell(v, decimal) === null ? 0 : 1))
  }
  return state
}

/** Writes a dataset's per-row splits and/or labels. */
function writeRowState(db: Database.Database, datasetId: string, state: Partial<RowState>): void {
  if (state.splits) db.prepare('UPDATE table_state SET splits = ? WHERE dataset_id = ?').run(Buffer.from(state.splits.buffer, state.splits.byteOffset, state.splits.byteLength), datasetId)
  if (state.labels) {
    db.prepare('UPDATE table_state SET labels = ?, label_values = ? WHERE dataset_id = ?').run(int32Blob(state.labels.codes), JSON.stringify(state.labels.values), datasetId)
  }
}

/** Stores a new dataset's row source, chunk index and per-row state (inside the import's transaction). */
export function insertRows(db: Database.Database, datasetId: string, source: RowSource, chunks: readonly RowChunk[], state: RowState): void {
  db.prepare(
    'INSERT INTO table_state (dataset_id, blob, blob_offset, delimiter, newline, width, splits, labels, label_values) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'
  ).run(
    datasetId,
    source.blob,
    source.offset,
    source.delimiter,
    source.newline,
    source.width,
    Buffer.from(state.splits.buffer, state.splits.byteOffset, state.splits.byteLength),
    int32Blob(state.labels.codes),
    JSON.stringify(state.labels.values)
  )
  const put = db.prepare('INSERT INTO table_chunks (dataset_id, first, count, byte_offset, byte_length, line, header) VALUES (?, ?, ?, ?, ?, ?, ?)')
  for (const c of chunks) put.run(datasetId, c.first, c.count, c.offset, c.length, c.line, c.header ? 1 : 0)
}

/** The folder of the project a database belongs to (project.db lives at its top). */
function projectRoot(db: Database.Database): string {
  return path.dirname(db.name)
}

/**
 * Reads the rows of chunks of a text: parses the chunk's text again, drops rows with the wrong number of fields
 * (the import skipped them) and turns missing cells into null, as the import did.
 */
export function readChunkRows(fd: number, source: Omit<RowSource, 'blob'>, chunk: CsvTextRange, cells?: Pick<DatasetCells, 'missing'>): { rows: Cells[]; lines: number[] } {
  const { rows, lines } = readCsvText(fd, { ...chunk, offset: source.offset + chunk.offset }, source)
  const out = { rows: [] as Cells[], lines: [] as number[] }
  const missing = Array.from({ length: source.width }, (_, c) => missingTest(cells?.missing(c).tokens ?? MISSING_TOKENS))
  rows.forEach((row: Cells, i) => {
    if (row.length !== source.width) return
    for (let c = 0; c < row.length; c++) if (missing[c](row[c])) row[c] = null
    out.rows.push(row)
    out.lines.push(lines[i])
  })
  return out
}

/** An open dataset's rows: its source, chunk index and a handle on the text. Close it when done. */
class RowReader {
  readonly chunks: RowChunk[]
  private readonly source: RowSource
  private readonly fd: number
  private readonly cells: Pick<DatasetCells, 'missing'>

  /** `cells`: how to read missing cells, when not as the dataset's settings say. */
  constructor(db: Database.Database, datasetId: string, cells?: Pick<DatasetCells, 'missing'>) {
    const source = db.prepare('SELECT blob, blob_offset AS offset, delimiter, newline, width FROM table_state WHERE dataset_id = ?').get(datasetId) as RowSource | undefined
    if (!source) throw new StrataError('DATASET_NOT_FOUND', { id: datasetId })
    this.source = source
    this.cells = cells ?? datasetCells(readSettings(db, datasetId))
    this.chunks = (
      db.prepare('SELECT first, count, byte_offset AS offset, byte_length AS length, line, header FROM table_chunks WHERE dataset_id = ? ORDER BY first').all(datasetId) as Array<
        Omit<RowChunk, 'header'> & { header: number }
      >
    ).map((c) => ({ ...c, header: c.header === 1 }))
    const file = blobPath(projectRoot(db), source.blob)
    try {
      this.fd = fs.openSync(file, 'r')
    } catch (err) {
      throw new StrataError('DATASET_FILE_MISSING', { id: datasetId, file: path.relative(projectRoot(db), file) }, String(err))
    }
  }

  read(chunk: RowChunk): { rows: Cells[]; lines: number[] } {
    return readChunkRows(this.fd, this.source, chunk, this.cells)
  }

  /** The chunk holding a position (binary search over the index), or undefined. */
  chunkOf(position: number): RowChunk | undefined {
    let lo = 0
    let hi = this.chunks.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const c = this.chunks[mid]
      if (position < c.first) hi = mid - 1
      else if (position >= c.first + c.count) lo = mid + 1
      else return c
    }
    return undefined
  }

  close(): void {
    fs.closeSync(this.fd)
  }
}

/** The cells of one column over the kept rows, as the file has them (only empty cells are null): for reading it again. */
export function* columnCells(db: Database.Database, datasetId: string, position: number): IterableIterator<string | null> {
  const state = readRowState(db, datasetId)
  const reader = new RowReader(db, datasetId, { missing: () => ({ tokens: [], chosen: true }) })
  try {
    for (const chunk of reader.chunks) {
      const { rows } = reader.read(chunk)
      for (let i = 0; i < rows.length; i++) if (state.splits[chunk.first + i] !== REMOVED) yield rows[i][position]
    }
  } finally {
    reader.close()
  }
}

/** The rows of a dataset in order, a chunk at a time: each chunk's first position, its rows and their source lines. */
function* rowChunks(db: Database.Database, datasetId: string): IterableIterator<{ first: number; rows: Cells[]; lines: number[] }> {
  const reader = new RowReader(db, datasetId)
  try {
    for (const chunk of reader.chunks) yield { first: chunk.first, ...reader.read(chunk) }
  } finally {
    reader.close()
  }
}

function toItem(shape: RowShape, state: RowState, position: number, cells: Cells): DatasetItem {
  const text = shape.textPosition === null ? null : (cells[shape.textPosition] ?? null)
  return {
    id: position + 1,
    label: state.labels.at(position),
    split: hasUsableLabel(state, position) || shape.textPosition !== null ? SPLIT_BY_CODE[state.splits[position]] : null,
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
  const label = filter.label === undefined ? null : state.labels.codeOf(filter.label)
  const codes = state.labels.codes
  const out: number[] = []
  for (let p = 0; p < state.splits.length; p++) {
    const s = state.splits[p]
    if (s === REMOVED || (split >= 0 && (s !== split || !hasUsableLabel(state, p))) || (label !== null && codes[p] !== label)) continue
    out.push(p)
  }
  return out
}

/** The items at some positions (kept rows only), in position order, reading only the chunks that hold them. */
function itemsAt(db: Database.Database, datasetId: string, shape: RowShape, state: RowState, positions: readonly number[]): DatasetItem[] {
  const wanted = positions.filter((p) => Number.isInteger(p) && p >= 0 && p < state.splits.length && state.splits[p] !== REMOVED).sort((a, b) => a - b)
  if (!wanted.length) return []
  const items: DatasetItem[] = []
  const reader = new RowReader(db, datasetId)
  try {
    let current: RowChunk | undefined
    let rows: Cells[] = []
    for (const p of wanted) {
      if (!current || p < current.first || p >= current.first + current.count) {
        current = reader.chunkOf(p)
        rows = current ? reader.read(current).rows : []
      }
      const cells = current ? rows[p - current.first] : undefined
      if (cells) items.push(toItem(shape, state, p, cells))
    }
  } finally {
    reader.close()
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
  const label = filter.label === undefined ? null : state.labels.codeOf(filter.label)
  for (const { first, rows } of rowChunks(db, datasetId)) {
    for (let i = 0; i < rows.length; i++) {
      const p = first + i
      const s = state.splits[p]
      if (s === REMOVED || (split >= 0 && (s !== split || !hasUsableLabel(state, p))) || (label !== null && state.labels.codes[p] !== label)) continue
      yield toItem(shape, state, p, rows[i])
    }
  }
}

/** How many kept rows with a target each split holds (rows without one are in no split). */
export function rowSplitCounts(state: RowState): SplitCounts {
  const counts = [0, 0, 0, 0]
  for (let p = 0; p < state.splits.length; p++) if (hasUsableLabel(state, p)) counts[state.splits[p]]++
  return { train: counts[0], validation: counts[1], test: counts[2] }
}

/** How many kept rows have no target (no label, or a number target's cell that is not a number). */
export function rowUnlabelledCount(state: RowState): number {
  let n = 0
  for (let p = 0; p < state.splits.length; p++) if (state.splits[p] !== REMOVED && !hasUsableLabel(state, p)) n++
  return n
}

/** Removes the kept rows that have no target; returns how many went. */
export function dropUnlabelledRows(db: Database.Database, datasetId: string): number {
  const state = readRowState(db, datasetId)
  let removed = 0
  for (let p = 0; p < state.splits.length; p++) {
    if (state.splits[p] !== REMOVED && !hasUsableLabel(state, p)) {
      state.splits[p] = REMOVED
      removed++
    }
  }
  if (removed) writeRowState(db, datasetId, { splits: state.splits })
  return removed
}

/** How many kept rows carry each label, largest first. */
export function rowClassCounts(state: RowState): ClassCount[] {
  const { codes, values } = state.labels
  const counts = new Array<number>(values.length).fill(0)
  for (let p = 0; p < codes.length; p++) if (codes[p] >= 0 && state.splits[p] !== REMOVED) counts[codes[p]]++
  return values
    .map((label, c) => ({ label, count: counts[c] }))
    .filter((c) => c.count > 0)
    .sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))
}

/** Relabels or removes one row. */
export function updateRow(db: Database.Database, datasetId: string, itemId: number, change: { label?: string; remove?: boolean }): void {
  const state = readRowState(db, datasetId)
  const p = itemId - 1
  if (!Number.isInteger(p) || p < 0 || p >= state.splits.length || state.splits[p] === REMOVED) throw new StrataError('ITEM_NOT_FOUND', { id: itemId })
  if (change.remove) state.splits[p] = REMOVED
  else if (change.label !== undefined) state.labels.set(p, change.label.normalize('NFC'))
  writeRowState(db, datasetId, state)
}

/** Sets every kept row's split; `codes[k]` is the split code of the k-th kept row. */
export function setRowSplits(db: Database.Database, datasetId: string, codes: Uint8Array): void {
  const state = readRowState(db, datasetId)
  let k = 0
  for (let p = 0; p < state.splits.length; p++) if (state.splits[p] !== REMOVED) state.splits[p] = codes[k++]
  writeRowState(db, datasetId, state)
}

/** The kept rows' class numbers in order (what stratified splits are cut from; see {@link RowLabels}). */
export function keptClasses(state: RowState): Int32Array {
  const { codes } = state.labels
  const out = new Int32Array(codes.length)
  let k = 0
  for (let p = 0; p < codes.length; p++) if (state.splits[p] !== REMOVED) out[k++] = codes[p]
  return out.subarray(0, k)
}

/** Refills every row's label from one of its cells (null: no label), dropping any relabelling. */
export function labelRowsFromCell(db: Database.Database, datasetId: string, position: number | null): void {
  const state = readRowState(db, datasetId)
  const labels = new RowLabels(new Int32Array(state.splits.length).fill(-1), [])
  if (position !== null) for (const { first, rows } of rowChunks(db, datasetId)) rows.forEach((cells, i) => labels.set(first + i, cells[position] ?? null))
  writeRowState(db, datasetId, { labels })
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
      const label = state.labels.at(p)
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
      const key = `${contentKey(shape, cells)}\u0000${state.labels.codes[p]}`
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
