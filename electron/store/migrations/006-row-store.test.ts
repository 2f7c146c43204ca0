import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { getDataset, iterateItems } from '../datasets'
import { PROJECT_DB_FILE } from '../project-db'
import { openProject } from '../project-folder'
import { useTempProject } from '../project.test-helpers'
import { MIGRATIONS } from './index'

const t = useTempProject()

describe('migration 6', () => {
  it('moves the rows of older table and text datasets into the row store, renumbering evaluations and edits', () => {
    t.project.close()
    const root = path.join(t.dir, 'Old.strata')
    fs.mkdirSync(path.join(root, 'blobs'), { recursive: true })
    const db = new Database(path.join(root, PROJECT_DB_FILE))
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)')
    for (const m of MIGRATIONS.filter((m) => m.version <= 5)) {
      m.up(db)
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 'then')
    }
    db.prepare("INSERT INTO meta (key, value) VALUES ('name', 'Old'), ('created_at', 'then')").run()
    const dataset = db.prepare(
      `INSERT INTO datasets (id, name, kind, source, fingerprint, created_at, seed, ratio_train, ratio_validation, ratio_test, target, text_column)
       VALUES (?, ?, ?, 'x', ?, 'then', 1, 0.8, 0.1, 0.1, ?, ?)`
    )
    dataset.run('tab', 'Table', 'table', 'f1', 'label', null)
    dataset.run('txt', 'Texts', 'text', 'f2', 'sentiment', 'review')
    const column = db.prepare('INSERT INTO columns (dataset_id, position, name, inferred_type) VALUES (?, ?, ?, ?)')
    for (const [i, name, type] of [[0, 'x', 'numeric'], [1, 'note', 'text'], [2, 'label', 'categorical']] as const) column.run('tab', i, name, type)
    column.run('txt', 0, 'review', 'text')
    column.run('txt', 1, 'sentiment', 'categorical')
    const item = db.prepare('INSERT INTO items (id, dataset_id, position, label, split, text, row, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    // Ids interleave between the datasets, and position 1 of the table was removed before the move.
    item.run(10, 'tab', 0, 'a', 'train', null, JSON.stringify(['1.5', 'one, "quoted"\nline', 'a']), '{"line":2}')
    item.run(11, 'txt', 0, 'pos', 'test', 'Great 😍', null, '{"line":2}')
    item.run(12, 'tab', 2, 'b', 'validation', null, JSON.stringify([null, 'two', 'b']), '{"line":4}')
    item.run(13, 'txt', 1, 'neg', 'train', 'Awful\r\nreally', null, '{"line":3}')
    item.run(14, 'tab', 3, 'relabelled', 'test', null, JSON.stringify(['3', 'three', 'a']), '{"line":5}')
    db.prepare("INSERT INTO runs (id, dataset_id, model_id, status, config, epochs, started_at) VALUES (1, 'tab', 'm', 'done', '{}', 1, 'then')").run()
    db.prepare("INSERT INTO evaluations (run_id, split, report, item_count, checkpoint, checkpoint_epoch, backend, edit_seq, computed_at) VALUES (1, 'test', '{}', 3, 'best', 1, 'cpu', 0, 'then')").run()
    const evaluated = db.prepare("INSERT INTO evaluation_items (run_id, split, item_id, actual, predicted, output) VALUES (1, 'test', ?, 'a', 'b', '{}')")
    for (const id of [10, 12, 14, 99]) evaluated.run(id)
    db.prepare("INSERT INTO dataset_edits (dataset_id, item_id, kind, at) VALUES ('tab', 14, 'relabel', 'then')").run()
    db.close()

    t.project = openProject(root)
    const tableItems = [...iterateItems(t.project.db, 'tab')]
    expect(tableItems.map((i) => [i.id, i.label, i.split, i.row])).toEqual([
      [1, 'a', 'train', ['1.5', 'one, "quoted"\nline', 'a']],
      [2, 'b', 'validation', [null, 'two', 'b']],
      [3, 'relabelled', 'test', ['3', 'three', 'a']]
    ])
    const texts = [...iterateItems(t.project.db, 'txt')]
    expect(texts.map((i) => [i.id, i.label, i.split, i.text, i.row])).toEqual([
      [1, 'pos', 'test', 'Great 😍', null],
      [2, 'neg', 'train', 'Awful\r\nreally', null]
    ])
    expect((t.project.db.prepare('SELECT COUNT(*) AS n FROM items').get() as { n: number }).n).toBe(0)
    expect(t.project.db.prepare('SELECT item_id FROM evaluation_items ORDER BY item_id').pluck().all()).toEqual([-99, 1, 2, 3])
    expect(t.project.db.prepare('SELECT item_id FROM dataset_edits').pluck().all()).toEqual([3])
    expect(getDataset(t.project.db, 'tab').classes).toEqual([
      { label: 'a', count: 1 },
      { label: 'b', count: 1 },
      { label: 'relabelled', count: 1 }
    ])
  })
})
