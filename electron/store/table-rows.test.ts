import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { dropDuplicates, getDataset, itemsById, iterateItems, listItems, resplit, setTarget, updateItem } from './datasets'
import { healthReport } from './health'
import { importDataset } from './import'
import { STAGING_DIR } from './import-staging'
import { MIGRATIONS } from './migrations'
import { PROJECT_DB_FILE } from './project-db'
import { openProject } from './project-folder'
import { useTempProject } from './test-project'

const t = useTempProject()

function dbCounts(): number[] {
  return t.counts(['datasets', 'items', 'columns', 'import_skipped', 'table_state', 'table_chunks'])
}

/** A CSV of `n` rows big enough to span several read chunks, with quoted commas, quotes and line breaks in cells. */
function bigCsv(n: number): { text: string; rows: string[][] } {
  const rows = Array.from({ length: n }, (_, i) => [
    String(i),
    (i % 37).toFixed(1),
    i % 50 === 7 ? `a "quoted" note, with a comma\nand a second line ${i}` : `note ${i % 13}`,
    ['red', 'green', 'blue'][i % 3]
  ])
  return { text: Papa.unparse({ fields: ['n', 'x', 'note', 'label'], data: rows }, { newline: '\r\n' }) + '\r\n', rows }
}

describe('table rows', () => {
  it('read back exactly as the file has them, across chunk boundaries', async () => {
    const { text, rows } = bigCsv(40_000)
    expect(Buffer.byteLength(text)).toBeGreaterThan(3 * 256 * 1024)
    const result = await importDataset(t.project, t.write('big.csv', text), { target: 'label', seed: 1 })
    expect(result.imported).toBe(rows.length)
    const items = [...iterateItems(t.project.db, result.datasetId)]
    expect(items.map((i) => i.row)).toEqual(rows)
    expect(items.map((i) => i.id)).toEqual(rows.map((_, i) => i + 1))
    expect(items.every((i, k) => i.label === rows[k][3])).toBe(true)
    // A page deep in the file reads only its chunk and gives the same rows.
    const page = listItems(t.project.db, result.datasetId, { offset: 32_345, limit: 3 })
    expect(page.total).toBe(rows.length)
    expect(page.items.map((i) => i.row)).toEqual(rows.slice(32_345, 32_348))
    expect(itemsById(t.project.db, result.datasetId, [39_999, 2, 7]).map((i) => i.row)).toEqual([rows[1], rows[6], rows[39_998]])
  })

  it('pages by split and label, relabels and removes rows, and re-cuts splits over the rows kept', async () => {
    const { text, rows } = bigCsv(300)
    const { datasetId } = await importDataset(t.project, t.write('t.csv', text), { target: 'label', seed: 4 })
    const red = listItems(t.project.db, datasetId, { label: 'red', limit: 1000 })
    expect(red.total).toBe(100)
    expect(red.items.every((i) => i.label === 'red' && i.row?.[3] === 'red')).toBe(true)
    const train = listItems(t.project.db, datasetId, { split: 'train', limit: 1000 })
    expect(train.total).toBe(getDataset(t.project.db, datasetId).splits.train)

    updateItem(t.project.db, datasetId, red.items[0].id, { label: 'blue' })
    updateItem(t.project.db, datasetId, red.items[1].id, { remove: true })
    const d = getDataset(t.project.db, datasetId)
    expect(d.itemCount).toBe(299)
    expect(d.classes.find((c) => c.label === 'red')?.count).toBe(98)
    expect(d.classes.find((c) => c.label === 'blue')?.count).toBe(101)
    expect(itemsById(t.project.db, datasetId, [red.items[0].id, red.items[1].id]).map((i) => i.label)).toEqual(['blue'])
    expect(() => updateItem(t.project.db, datasetId, red.items[1].id, { label: 'x' })).toThrow(expect.objectContaining({ code: 'ITEM_NOT_FOUND' }))
    expect([...iterateItems(t.project.db, datasetId)]).toHaveLength(299)

    resplit(t.project.db, datasetId, { train: 0.5, validation: 0.25, test: 0.25 }, 9)
    const splits = getDataset(t.project.db, datasetId).splits
    expect(splits.train + splits.validation + splits.test).toBe(299)
    expect(splits.test).toBeGreaterThan(60)
    // Setting the target again refills every label from the column: the relabelling goes.
    setTarget(t.project.db, datasetId, 'label')
    expect(getDataset(t.project.db, datasetId).classes.map((c) => c.count)).toEqual([100, 100, 99])
    expect(rows).toHaveLength(300)
  })

  it('health finds duplicate rows and a row under two labels; dropping duplicates keeps the first', async () => {
    const lines = ['a,b,label', ...Array.from({ length: 30 }, (_, i) => `${i},${i % 4},${i % 2 ? 'x' : 'y'}`), '3,3,x', '3,3,x', '5,1,x']
    const { datasetId } = await importDataset(t.project, t.write('d.csv', lines.join('\n')), { target: 'label' })
    let warnings = healthReport(t.project.db, datasetId).warnings
    expect(warnings.find((w) => w.key === 'duplicates')?.params.count).toBe(3)
    // Row 6 of the file is "5,1,x" like the last one: relabelling the last makes one row carry two labels.
    updateItem(t.project.db, datasetId, 33, { label: 'y' })
    warnings = healthReport(t.project.db, datasetId).warnings
    expect(warnings.find((w) => w.key === 'conflictingLabels')).toMatchObject({ params: { file: 'line 34' }, fix: { kind: 'relabel-item', itemId: 33 } })
    expect(dropDuplicates(t.project.db, datasetId)).toBe(2)
    expect(getDataset(t.project.db, datasetId).itemCount).toBe(31)
    expect([...iterateItems(t.project.db, datasetId)].filter((i) => i.row?.[0] === '3')).toHaveLength(1)
  })

  it('a file that is not all UTF-8 is kept as its decoded text, and reads back the same', async () => {
    // The odd byte (ü in Latin-1) comes after the 64 KB the importer samples to sniff the file.
    const rows = Array.from({ length: 6000 }, (_, i) => Buffer.from(`Paris ${i},${i % 2 ? 'a' : 'b'}\n`))
    rows[5500] = Buffer.concat([Buffer.from('Z'), Buffer.from([0xfc]), Buffer.from('rich,a\n')])
    const result = await importDataset(t.project, t.write('latin1.csv', Buffer.concat([Buffer.from('\uFEFFcity,label\n'), ...rows])), { target: 'label', kind: 'table' })
    const read = [...iterateItems(t.project.db, result.datasetId)].map((i) => i.row)
    expect(read).toHaveLength(6000)
    expect(read[5500]).toEqual(['Z\uFFFDrich', 'a'])
    expect(read[0]).toEqual(['Paris 0', 'b'])
    expect(read[5999]).toEqual(['Paris 5999', 'a'])
    // The original file is kept as it is; the rows are read from a second blob of its decoded text.
    const blobs = t.project.db.prepare('SELECT blob FROM table_state').pluck().all() as string[]
    expect(blobs[0]).not.toBe(JSON.parse((t.project.db.prepare('SELECT settings FROM datasets').get() as { settings: string }).settings).fileBlob)
  })

  it('says plainly when the file holding the rows is gone', async () => {
    const { datasetId } = await importDataset(t.project, t.write('t.csv', bigCsv(30).text), { target: 'label' })
    const blob = t.project.db.prepare('SELECT blob FROM table_state').pluck().get() as string
    fs.rmSync(path.join(t.project.root, 'blobs', blob.slice(0, 2), blob))
    expect(() => listItems(t.project.db, datasetId)).toThrow(expect.objectContaining({ code: 'DATASET_FILE_MISSING', message: expect.stringContaining('Import the table again') }))
    // What project.db holds still answers.
    expect(getDataset(t.project.db, datasetId).itemCount).toBe(30)
  })

  it('cancelling mid-import leaves the project exactly as before', async () => {
    const file = t.write('big.csv', bigCsv(40_000).text)
    const before = dbCounts()
    const blobsBefore = fs.readdirSync(path.join(t.project.root, 'blobs'))
    const controller = new AbortController()
    const run = importDataset(t.project, file, {}, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'reading') controller.abort()
      }
    })
    await expect(run).rejects.toMatchObject({ code: 'IMPORT_CANCELLED' })
    expect(dbCounts()).toEqual(before)
    expect(fs.readdirSync(path.join(t.project.root, 'blobs'))).toEqual(blobsBefore)
    expect(fs.readdirSync(path.join(t.project.root, STAGING_DIR))).toEqual([])
  })
})

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
