import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { ColumnType, SkipCode } from '../../common/contract/dataset'
import { insertRows, type RowChunk, type RowSource, type RowState } from './table-rows'

/** Folder under a project for work in progress (import staging, browser uploads); never part of a dataset. */
export const STAGING_DIR = '.staging'

/** One item waiting to be committed. */
export interface StagedItem {
  position: number
  hash: string | null
  label: string | null
  text: string | null
  row: Array<string | null> | null
  meta: Record<string, unknown>
}

/** The dataset row written when an import commits. */
export interface DatasetRow {
  id: string
  name: string
  kind: 'images' | 'table' | 'text'
  source: string
  fingerprint: string
  createdAt: string
  seed: number
  ratios: { train: number; validation: number; test: number }
  target: string | null
  textColumn: string | null
  settings: Record<string, unknown>
}

/** One column row written when an import commits. */
export interface ColumnRow {
  position: number
  name: string
  inferredType: ColumnType
  /** The type the user chose at import, if any. */
  userType?: ColumnType | null
  /** The missing spellings the user chose at import, if any. */
  missingTokens?: string[]
  missing: number
  stats: Record<string, unknown>
  excluded: boolean
}

/**
 * Items of an import in progress, kept in a scratch SQLite file beside the project rather than in memory,
 * so a 100k-file import stays small; {@link commit} copies them into project.db in one transaction (a table's rows
 * need no copy: {@link commitRows} writes their index), and a cancelled or crashed import leaves only scratch files behind.
 */
export class ImportStaging {
  readonly file: string
  /** Where a table file that is not all UTF-8 has its decoded text written. */
  readonly textFile: string
  /** Where a JSON file is written as CSV. */
  readonly jsonFile: string
  /** The scratch database, created when first needed (a clean table import needs none). */
  private scratch: { db: Database.Database; insertItem: Database.Statement; insertSkipped: Database.Statement } | null = null
  private skippedCount = 0
  private itemCount = 0

  constructor(root: string, importId: string) {
    const dir = path.join(root, STAGING_DIR)
    fs.mkdirSync(dir, { recursive: true })
    this.file = path.join(dir, `import-${importId}.db`)
    this.textFile = path.join(dir, `import-${importId}.txt`)
    this.jsonFile = path.join(dir, `import-${importId}.csv`)
    fs.rmSync(this.file, { force: true })
  }

  private get db(): Database.Database {
    return this.open().db
  }

  private open(): NonNullable<ImportStaging['scratch']> {
    if (this.scratch) return this.scratch
    const db = new Database(this.file)
    db.pragma('journal_mode = OFF')
    db.pragma('synchronous = OFF')
    db.exec(`
      CREATE TABLE items (position INTEGER PRIMARY KEY, hash TEXT, label TEXT, text TEXT, row TEXT, meta TEXT NOT NULL);
      CREATE TABLE skipped (position INTEGER PRIMARY KEY, file TEXT NOT NULL, code TEXT NOT NULL, detail TEXT);
    `)
    this.scratch = {
      db,
      insertItem: db.prepare('INSERT INTO items (position, hash, label, text, row, meta) VALUES (?, ?, ?, ?, ?, ?)'),
      insertSkipped: db.prepare('INSERT INTO skipped (position, file, code, detail) VALUES (?, ?, ?, ?)')
    }
    return this.scratch
  }

  /** Stages a batch of items in one transaction. */
  addItems(items: readonly StagedItem[]): void {
    const { db, insertItem } = this.open()
    db.transaction(() => {
      for (const it of items) {
        insertItem.run(it.position, it.hash, it.label, it.text, it.row ? JSON.stringify(it.row) : null, JSON.stringify(it.meta))
      }
    })()
    this.itemCount += items.length
  }

  /** Records a file or row the import leaves out. */
  addSkipped(file: string, code: SkipCode, detail?: string): void {
    this.open().insertSkipped.run(this.skippedCount++, file, code, detail ?? null)
  }

  /** How many items are staged. */
  get items(): number {
    return this.itemCount
  }

  /** How many files or rows were left out. */
  get skipped(): number {
    return this.skippedCount
  }

  /** The skipped files, in the order they were found. */
  skippedList(limit = Infinity): Array<{ file: string; code: SkipCode; detail: string | null }> {
    if (!this.scratch) return []
    return this.db
      .prepare('SELECT file, code, detail FROM skipped ORDER BY position LIMIT ?')
      .all(Number.isFinite(limit) ? limit : -1) as Array<{ file: string; code: SkipCode; detail: string | null }>
  }

  /** Every staged item's label, ordered by position. */
  labels(): Array<string | null> {
    return this.db.prepare('SELECT label FROM items ORDER BY position').pluck().all() as Array<string | null>
  }

  /** Every staged item's content hash with its label and file, ordered by position (for the fingerprint). */
  *hashes(): IterableIterator<[string | null, string | null, string]> {
    yield* this.db.prepare("SELECT hash, label, json_extract(meta, '$.file') FROM items ORDER BY position").raw().iterate() as IterableIterator<
      [string | null, string | null, string]
    >
  }

  /**
   * Writes the dataset, its columns, its staged images (with `splits[i]` the split code of the i-th item
   * by position) and the skipped list into project.db in one transaction: all of it or none.
   */
  commit(db: Database.Database, dataset: DatasetRow, columns: readonly ColumnRow[], splits: Uint8Array): void {
    const span = this.db.prepare('SELECT count(*) AS n, min(position) AS lo, max(position) AS hi FROM items').get() as { n: number; lo: number | null; hi: number | null }
    const dense = span.n === 0 || (span.lo === 0 && span.hi === span.n - 1)
    // The split of the item of rank r is byte r of the splits blob (0 train, 1 validation, 2 test).
    const splitBlob = Buffer.from(splits.buffer, splits.byteOffset, splits.byteLength)
    const splitSql = "CASE substr(@splits, rank + 1, 1) WHEN x'00' THEN 'train' WHEN x'01' THEN 'validation' ELSE 'test' END"
    // Positions 0…n-1 are already the ranks unless items were dropped; then number them again.
    const ranked = dense
      ? 'SELECT position AS rank, * FROM staging.items'
      : 'SELECT row_number() OVER (ORDER BY position) - 1 AS rank, * FROM staging.items'
    this.commitWith(db, dataset, columns, () => {
      db.prepare(
        `INSERT INTO items (dataset_id, position, hash, label, split, text, row, meta)
         SELECT @id, rank, hash, label, ${splitSql}, text, row, meta
         FROM (${ranked}) ORDER BY rank`
      ).run({ id: dataset.id, splits: splitBlob })
    })
  }

  /**
   * Writes the dataset, its columns, where its rows are read from (a blob already in blobs/) with their chunk index
   * and per-row state, and the skipped list into project.db in one transaction.
   */
  commitRows(db: Database.Database, dataset: DatasetRow, columns: readonly ColumnRow[], rows: { source: RowSource; chunks: readonly RowChunk[]; state: RowState }): void {
    this.commitWith(db, dataset, columns, () => insertRows(db, dataset.id, rows.source, rows.chunks, rows.state))
  }

  private commitWith(db: Database.Database, dataset: DatasetRow, columns: readonly ColumnRow[], writeItems: () => void): void {
    const staged = this.scratch !== null
    this.scratch?.db.close()
    this.scratch = null
    if (staged) db.prepare('ATTACH DATABASE ? AS staging').run(this.file)
    try {
      db.transaction(() => {
        db.prepare(
          `INSERT INTO datasets (id, name, kind, source, fingerprint, created_at, seed, ratio_train, ratio_validation, ratio_test, target, text_column, settings)
           VALUES (@id, @name, @kind, @source, @fingerprint, @createdAt, @seed, @train, @validation, @test, @target, @textColumn, @settings)`
        ).run({ ...dataset, ...dataset.ratios, settings: JSON.stringify(dataset.settings) })
        const col = db.prepare(
          'INSERT INTO columns (dataset_id, position, name, inferred_type, user_type, excluded, missing, stats) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
        )
        for (const c of columns) col.run(dataset.id, c.position, c.name, c.inferredType, c.userType ?? null, c.excluded ? 1 : 0, c.missing, JSON.stringify(c.stats))
        writeItems()
        if (staged) {
          db.prepare('INSERT INTO import_skipped (dataset_id, position, file, code, detail) SELECT ?, position, file, code, detail FROM staging.skipped').run(
            dataset.id
          )
        }
      })()
    } finally {
      if (staged) db.prepare('DETACH DATABASE staging').run()
    }
    this.discard()
  }

  /** Deletes the scratch files (after a commit, a cancel or a refusal). */
  discard(): void {
    this.scratch?.db.close()
    this.scratch = null
    fs.rmSync(this.file, { force: true })
    fs.rmSync(this.textFile, { force: true })
    fs.rmSync(this.jsonFile, { force: true })
  }
}

/** Removes scratch files of imports that are not running (left by a crash). */
export function clearStaleStaging(root: string, running: ReadonlySet<string>): void {
  const dir = path.join(root, STAGING_DIR)
  if (!fs.existsSync(dir)) return
  for (const name of fs.readdirSync(dir)) {
    const m = /^import-(.+)\.(db|txt|csv|csv\.rows)$/.exec(name)
    if (m && !running.has(m[1])) fs.rmSync(path.join(dir, name), { force: true })
  }
}
