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
    version: 3,
    name: 'models',
    up: (db) => {
      // dataset_id names a dataset without a foreign key: models outlive, and do not depend on, the dataset tables.
      db.exec(`
        CREATE TABLE models (
          id         TEXT PRIMARY KEY,
          name       TEXT NOT NULL,
          dataset_id TEXT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE TABLE model_versions (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,
          model_id   TEXT NOT NULL REFERENCES models(id) ON DELETE CASCADE,
          version    INTEGER NOT NULL,
          spec       TEXT NOT NULL,
          created_at TEXT NOT NULL,
          UNIQUE (model_id, version)
        );
      `)
    }
  }
]

/** The newest schema version this build of Strata reads and writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version
