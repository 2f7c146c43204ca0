import type { Migration } from './migration'

/** Migration 5. Released: never edited; a later change is a new numbered file. */
export const migration: Migration = {
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
}
