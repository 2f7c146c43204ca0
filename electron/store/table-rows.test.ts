import fs from 'node:fs'
import path from 'node:path'
import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { dropDuplicates, getDataset, itemsById, iterateItems, listItems, resplit, setTarget, updateItem } from './datasets'
import { healthReport } from './health'
import { importDataset } from './import'
import { STAGING_DIR } from './import-staging'
import { useTempProject } from './project.test-helpers'

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
