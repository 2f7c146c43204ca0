import type { Migration } from './migration'

/** Migration 1. Released: never edited; a later change is a new numbered file. */
export const migration: Migration = {
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
