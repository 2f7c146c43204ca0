import type { Migration } from './migration'

/** Migration 4. Released: never edited; a later change is a new numbered file. */
export const migration: Migration = {
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
