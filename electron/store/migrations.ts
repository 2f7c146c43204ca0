import type Database from 'better-sqlite3'
import { moveItemsIntoRowStore, ROW_STORE_SCHEMA } from './table-rows'

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
  },
  {
    version: 5,
    name: 'judge',
    up: (db) => {
      // Evaluations, their per-item predictions (for the confusion-matrix drill-down) and cross-validations are
      // stored with their run and go with it; dataset edits are counted so results can say they are stale.
      db.exec(`
        ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT '';
        ALTER TABLE runs ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE runs ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE evaluations (
          run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          split       TEXT NOT NULL CHECK (split IN ('test', 'validation')),
          report      TEXT NOT NULL,
          item_count  INTEGER NOT NULL,
          checkpoint  TEXT NOT NULL,
          checkpoint_epoch INTEGER NOT NULL,
          backend     TEXT NOT NULL,
          edit_seq    INTEGER NOT NULL,
          computed_at TEXT NOT NULL,
          PRIMARY KEY (run_id, split)
        );
        CREATE TABLE evaluation_items (
          run_id    INTEGER NOT NULL,
          split     TEXT NOT NULL,
          item_id   INTEGER NOT NULL,
          actual    TEXT NOT NULL,
          predicted TEXT NOT NULL,
          output    TEXT NOT NULL,
          PRIMARY KEY (run_id, split, item_id),
          FOREIGN KEY (run_id, split) REFERENCES evaluations(run_id, split) ON DELETE CASCADE
        );
        CREATE INDEX evaluation_items_by_cell ON evaluation_items (run_id, split, actual, predicted);
        CREATE TABLE cross_validations (
          run_id      INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
          result      TEXT NOT NULL,
          computed_at TEXT NOT NULL
        );
        CREATE TABLE dataset_edits (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,
          dataset_id TEXT NOT NULL,
          item_id    INTEGER,
          kind       TEXT NOT NULL,
          detail     TEXT,
          at         TEXT NOT NULL
        );
        CREATE INDEX dataset_edits_by_dataset ON dataset_edits (dataset_id, id);
      `)
    }
  },
  {
    version: 6,
    name: 'row store',
    up: (db) => {
      // Table and text rows move out of the indexed items table into chunks (see table-rows.ts); items keeps images.
      db.exec(ROW_STORE_SCHEMA)
      moveItemsIntoRowStore(db)
    }
  }
]

/** The newest schema version this build of Strata reads and writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version
