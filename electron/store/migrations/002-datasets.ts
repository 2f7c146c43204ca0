import type { Migration } from './migration'

/** Migration 2. Released: never edited; a later change is a new numbered file. */
export const migration: Migration = {
  version: 2,
  name: 'datasets',
  up: (db) => {
    db.exec(`
        CREATE TABLE datasets (
          id               TEXT PRIMARY KEY,
          name             TEXT NOT NULL,
          kind             TEXT NOT NULL CHECK (kind IN ('images', 'table', 'text')),
          source           TEXT NOT NULL,
          fingerprint      TEXT NOT NULL,
          created_at       TEXT NOT NULL,
          seed             INTEGER NOT NULL,
          ratio_train      REAL NOT NULL,
          ratio_validation REAL NOT NULL,
          ratio_test       REAL NOT NULL,
          target           TEXT,
          text_column      TEXT,
          settings         TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX datasets_fingerprint ON datasets (fingerprint);

        -- One image, table row or text. Images point at blobs/<hash[0:2]>/<hash>; rows and texts live here.
        CREATE TABLE items (
          id         INTEGER PRIMARY KEY,
          dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
          position   INTEGER NOT NULL,
          hash       TEXT,
          label      TEXT,
          split      TEXT NOT NULL CHECK (split IN ('train', 'validation', 'test')),
          text       TEXT,
          row        TEXT,
          meta       TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX items_by_split ON items (dataset_id, split, position);
        CREATE INDEX items_by_label ON items (dataset_id, label, position);
        CREATE INDEX items_by_hash ON items (dataset_id, hash);

        CREATE TABLE columns (
          dataset_id    TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
          position      INTEGER NOT NULL,
          name          TEXT NOT NULL,
          inferred_type TEXT NOT NULL,
          user_type     TEXT,
          excluded      INTEGER NOT NULL DEFAULT 0,
          missing       INTEGER NOT NULL DEFAULT 0,
          stats         TEXT NOT NULL DEFAULT '{}',
          PRIMARY KEY (dataset_id, position)
        );

        -- Files and rows an import left out, with the reason, for the report.
        CREATE TABLE import_skipped (
          dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
          position   INTEGER NOT NULL,
          file       TEXT NOT NULL,
          code       TEXT NOT NULL,
          detail     TEXT,
          PRIMARY KEY (dataset_id, position)
        );
    `)
  }
}
