import type Database from 'better-sqlite3'

/** One numbered, forward-only change to a project's database. */
export interface Migration {
  version: number
  name: string
  up: (db: Database.Database) => void
}

/**
 * Every schema change, in order. Append only: a released migration is never edited.
 * Each feature adds its own numbered migration here.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'project',
    up: (db) => {
      db.exec(`
        CREATE TABLE meta (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
      `)
    }
  },
  {
    version: 4,
    name: 'runs',
    up: (db) => {
      db.exec(`
        CREATE TABLE runs (
          id             INTEGER PRIMARY KEY,
          dataset_id     TEXT NOT NULL,
          model_id       TEXT NOT NULL,
          status         TEXT NOT NULL,
          backend        TEXT,
          backend_report TEXT,
          config         TEXT NOT NULL,
          preprocessing  TEXT,
          epochs         INTEGER NOT NULL,
          epochs_done    INTEGER NOT NULL DEFAULT 0,
          message        TEXT,
          started_at     TEXT NOT NULL,
          ended_at       TEXT
        );
        CREATE TABLE run_epochs (
          run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          epoch         INTEGER NOT NULL,
          metrics       TEXT NOT NULL,
          learning_rate REAL NOT NULL,
          seconds       REAL NOT NULL,
          PRIMARY KEY (run_id, epoch)
        );
        CREATE TABLE run_batches (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          step   INTEGER NOT NULL,
          loss   REAL NOT NULL,
          PRIMARY KEY (run_id, step)
        );
        CREATE TABLE run_checkpoints (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          kind   TEXT NOT NULL CHECK (kind IN ('last', 'best')),
          epoch  INTEGER NOT NULL,
          PRIMARY KEY (run_id, kind)
        );
      `)
    }
  }
]

/** The newest schema version this build of Strata reads and writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version
