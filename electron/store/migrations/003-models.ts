import type { Migration } from './migration'

/** Migration 3. Released: never edited; a later change is a new numbered file. */
export const migration: Migration = {
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
