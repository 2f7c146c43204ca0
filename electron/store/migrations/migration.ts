import type Database from 'better-sqlite3'

/** One numbered, forward-only change to a project's database. */
export interface Migration {
  version: number
  name: string
  up: (db: Database.Database) => void
}
