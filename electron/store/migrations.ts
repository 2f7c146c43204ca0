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
  }
]

/** The newest schema version this build of Strata reads and writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version
