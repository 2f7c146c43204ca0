import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type Database from 'better-sqlite3'
import Papa from 'papaparse'
import type { SplitName } from '../../../common/contract/dataset'
import { blobPath } from '../blobs'
import { insertRows, RowLabels, SPLIT_CODE, type Cells, type RowChunk, type RowState } from '../table-rows'
import type { Migration } from './migration'

/** The SQL of the row store. */
const ROW_STORE_SCHEMA = `
  -- Where each table or text dataset's rows are read from (a blob of CSV text, from blob_offset on, in this
  -- dialect, rows of width cells) and what changes per row: splits holds one byte per row (0 train,
  -- 1 validation, 2 test, 3 removed), labels one 32-bit class number per row (-1: none) into the JSON array
  -- label_values.
  CREATE TABLE table_state (
    dataset_id  TEXT PRIMARY KEY REFERENCES datasets (id) ON DELETE CASCADE,
    blob        TEXT NOT NULL,
    blob_offset INTEGER NOT NULL,
    delimiter   TEXT NOT NULL,
    newline     TEXT NOT NULL,
    width       INTEGER NOT NULL,
    splits       BLOB NOT NULL,
    labels       BLOB NOT NULL,
    label_values TEXT NOT NULL
  );
  -- Chunks of that text: byte range (after blob_offset), the position of the first row and how many rows
  -- it holds, the line it starts on, and whether it starts with the header.
  CREATE TABLE table_chunks (
    dataset_id  TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    first       INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    byte_offset INTEGER NOT NULL,
    byte_length INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    header      INTEGER NOT NULL,
    PRIMARY KEY (dataset_id, first)
  );
`

/** Rows per chunk when the migration writes a dataset's rows as text. */
const MIGRATED_CHUNK_ROWS = 1024

/**
 * Moves the items of a project's table and text datasets from the items table into the row store:
 * each dataset's rows are written as CSV text into a blob, kept items are numbered again from 1 in import order,
 * and evaluations and dataset edits are renumbered with them (an item removed before the move keeps a negative id
 * that matches nothing). Rows keep their cells; their original line numbers become their order.
 */
function moveItemsIntoRowStore(db: Database.Database): void {
  const datasets = db.prepare("SELECT id, kind, target, text_column FROM datasets WHERE kind IN ('table', 'text')").all() as Array<{
    id: string
    kind: 'table' | 'text'
    target: string | null
    text_column: string | null
  }>
  if (!datasets.length) return
  db.exec('CREATE TEMP TABLE moved_ids (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)')
  const putId = db.prepare('INSERT INTO moved_ids (old, new) VALUES (?, ?)')
  for (const d of datasets) {
    const columns = db.prepare('SELECT name, position FROM columns WHERE dataset_id = ? ORDER BY position').all(d.id) as Array<{ name: string; position: number }>
    const width = Math.max(columns.length, 1)
    const textAt = columns.find((c) => c.name === d.text_column)?.position ?? 0
    const labelAt = columns.find((c) => c.name === d.target)?.position ?? null
    const items = db.prepare('SELECT id, label, split, text, row FROM items WHERE dataset_id = ? ORDER BY position, id').all(d.id) as Array<{
      id: number
      label: string | null
      split: SplitName
      text: string | null
      row: string | null
    }>
    const texts: string[] = []
    const chunks: RowChunk[] = []
    let offset = 0
    for (let first = 0; first < items.length; first += MIGRATED_CHUNK_ROWS) {
      const rows = items.slice(first, first + MIGRATED_CHUNK_ROWS).map((it) => {
        if (d.kind === 'table') return it.row ? (JSON.parse(it.row) as Cells) : new Array<string | null>(width).fill(null)
        // A text dataset kept only the text and the label of each row: they go back in their columns.
        const cells = new Array<string | null>(width).fill(null)
        cells[textAt] = it.text
        if (labelAt !== null) cells[labelAt] = it.label
        return cells
      })
      const text = Papa.unparse(rows, { delimiter: ',', newline: '\n' }) + '\n'
      const length = Buffer.byteLength(text)
      chunks.push({ first, count: rows.length, offset, length, line: first + 1, header: false })
      texts.push(text)
      offset += length
    }
    const bytes = Buffer.from(texts.join(''))
    const blob = crypto.createHash('sha256').update(bytes).digest('hex')
    // project.db lives at the top of its project folder.
    const file = blobPath(path.dirname(db.name), blob)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    if (!fs.existsSync(file)) {
      fs.writeFileSync(`${file}.tmp`, bytes)
      fs.renameSync(`${file}.tmp`, file)
    }
    const state: RowState = { splits: Uint8Array.from(items, (it) => SPLIT_CODE[it.split]), labels: RowLabels.of(items.map((it) => it.label)) }
    insertRows(db, d.id, { blob, offset: 0, delimiter: ',', newline: '\n', width }, chunks, state)
    items.forEach((it, i) => putId.run(it.id, i + 1))
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

/** Migration 6. Released: never edited; a later change is a new numbered file. */
export const migration: Migration = {
  version: 6,
  name: 'row store',
  up: (db) => {
    // Table and text rows move out of the indexed items table into chunks (see table-rows.ts); items keeps images.
    db.exec(ROW_STORE_SCHEMA)
    moveItemsIntoRowStore(db)
  }
}
