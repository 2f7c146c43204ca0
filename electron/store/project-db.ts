import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { StrataError } from '../../common/errors'
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations'

/** File name of a project's database inside its folder. */
export const PROJECT_DB_FILE = 'project.db'

const MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`

/** The newest migration applied to a database (0 for an empty one). */
export function readSchemaVersion(db: Database.Database): number {
  const table = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get()
  if (!table) return 0
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }
  return row.v ?? 0
}

/** The schema version of a project's database, read without changing the file. */
export function peekSchemaVersion(dbPath: string): number {
  const db = openOrExplain(dbPath, { readonly: true, fileMustExist: true })
  try {
    return readSchemaVersion(db)
  } catch (err) {
    throw new StrataError('PROJECT_CORRUPT', { path: path.dirname(dbPath) }, String(err))
  } finally {
    db.close()
  }
}

function openOrExplain(dbPath: string, options: Database.Options): Database.Database {
  try {
    return new Database(dbPath, options)
  } catch (err) {
    throw new StrataError('PROJECT_CORRUPT', { path: path.dirname(dbPath) }, String(err))
  }
}

/**
 * Opens (or creates) a project database: refuses one written by a newer Strata without touching it,
 * applies pending migrations in one transaction, and turns on WAL and foreign keys.
 */
export function openProjectDb(dbPath: string, { create = false } = {}): Database.Database {
  if (!create && !fs.existsSync(dbPath)) {
    throw new StrataError('PROJECT_NOT_FOUND', { path: path.dirname(dbPath) })
  }
  if (fs.existsSync(dbPath)) {
    const found = peekSchemaVersion(dbPath)
    if (found > LATEST_SCHEMA_VERSION) {
      throw new StrataError('PROJECT_TOO_NEW', { found, supported: LATEST_SCHEMA_VERSION })
    }
  }
  const db = openOrExplain(dbPath, {})
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    migrate(db)
  } catch (err) {
    db.close()
    if (err instanceof StrataError) throw err
    throw new StrataError('PROJECT_CORRUPT', { path: path.dirname(dbPath) }, String(err))
  }
  return db
}

/** Applies every migration newer than the database's version, all or nothing. */
export function migrate(db: Database.Database): number {
  db.exec(MIGRATIONS_TABLE)
  const current = readSchemaVersion(db)
  const pending = MIGRATIONS.filter((m) => m.version > current)
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
  db.transaction(() => {
    for (const m of pending) {
      m.up(db)
      record.run(m.version, m.name, new Date().toISOString())
    }
  })()
  return readSchemaVersion(db)
}
