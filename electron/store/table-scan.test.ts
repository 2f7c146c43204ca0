import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { getDataset, iterateItems } from './datasets'
import { healthReport } from './health'
import { importDataset } from './import'
import { STAGING_DIR } from './import-staging'
import { createProject, type OpenProject } from './project-folder'
import { CsvReader, type CsvBatch } from './csv-reader'
import { releaseScanWorker, tableScanSettings } from './scan-table-file'
import { useTempProject } from './project.test-helpers'

const t = useTempProject()
const defaults = { ...tableScanSettings }
afterEach(() => {
  Object.assign(tableScanSettings, defaults)
  releaseScanWorker()
})

/**
 * A table with every quirk the reader handles, in both halves: quoted delimiters, multi-line quoted cells, missing
 * values, emoji and accents (bytes ≠ characters), ragged rows, and a label first seen in the second half.
 */
function quirkyCsv(rows: number, eol: string): string {
  const lines = ['id,amount,city,note,label']
  for (let i = 0; i < rows; i++) {
    const amount = i % 13 === 0 ? ['', 'NA', '?'][i % 3] : ((i * 7.31) % 500).toFixed(2)
    const city = ['Zürich', 'Lyon', 'São Paulo', 'Kyoto 京都'][i % 4]
    const note = i % 97 === 5 ? `"line one of ${i}${eol}line two, with a comma"` : i % 5 === 0 ? `"fine, ${i % 9} 🙂"` : `plain ${i % 11}`
    const label = i > rows * 0.75 && i % 7 === 0 ? 'rare' : i % 3 ? 'keep' : 'leave'
    const cells = [String(i), amount, city, note, label]
    if (i % 401 === 7) cells.pop()
    if (i % 577 === 11) cells.push('extra')
    lines.push(cells.join(','))
  }
  return lines.join(eol) + eol
}

/** A value with its fractions to 12 significant digits: sums taken in two halves differ from one sum in the last bits. */
function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(12))
  if (Array.isArray(value)) return value.map(rounded)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]))
  return value
}

/** Everything a user can see of an imported dataset, except its id, name and when it was made (fractions rounded, see {@link rounded}). */
function visible(project: OpenProject, result: Awaited<ReturnType<typeof importDataset>>) {
  const d = getDataset(project.db, result.datasetId)
  const items = [...iterateItems(project.db, result.datasetId)].map((item) => ({ ...item }))
  const health = healthReport(project.db, result.datasetId)
  return rounded({
    imported: result.imported,
    skipped: result.skipped,
    columns: d.columns,
    classes: d.classes,
    splits: d.splits,
    target: d.target,
    items,
    health: { ...health, datasetId: undefined }
  }) as { imported: number; skipped: Array<{ file: string }>; columns: Array<{ name: string }>; classes: Array<{ label: string }>; items: Array<{ row?: string[]; text?: string }> }
}

function partsOf(project: OpenProject, datasetId: string): number {
  const { settings } = project.db.prepare('SELECT settings FROM datasets WHERE id = ?').get(datasetId) as { settings: string }
  return (JSON.parse(settings) as { parts: number }).parts
}

async function importBothWays(file: string) {
  tableScanSettings.splitMinBytes = Infinity
  const whole = await importDataset(t.project, file, { seed: 11 })
  const other = createProject(path.join(t.dir, 'Other'), 'Other')
  try {
    Object.assign(tableScanSettings, { splitMinBytes: 0, coldSplitMinBytes: 0 })
    const halves = await importDataset(other, file, { seed: 11 })
    return { whole: visible(t.project, whole), halves: visible(other, halves), parts: [partsOf(t.project, whole.datasetId), partsOf(other, halves.datasetId)] }
  } finally {
    other.close()
  }
}

describe('CsvReader', () => {
  it('reads text already in memory into the same records, lines and chunks as the file holding it', async () => {
    const text = quirkyCsv(3000, '\r\n')
    const file = t.write('quirky.csv', text)
    const dialect = { delimiter: ',', newline: '\r\n' as const, hasHeader: true }
    const fromFile: CsvBatch[] = []
    await new CsvReader(file, dialect).read({ start: 0 }, (b) => void fromFile.push(b), { last: true })
    const fromText: CsvBatch[] = []
    await new CsvReader('', dialect).readText(text, (b) => void fromText.push(b))
    const records = (batches: CsvBatch[]) => batches.flatMap((b) => b.rows.map((row, i) => [b.lines[i], ...row]))
    expect(records(fromText)).toEqual(records(fromFile))
    expect(records(fromFile).length).toBe(3000)
    expect(fromText.map((b) => b.text).join('')).toBe(text)
  })
})

describe('reading a table in two halves at once', () => {
  it('on two or three cores, waits for a worker started after an import before a mid-sized file is split', async () => {
    tableScanSettings.splitMinBytes = 0
    const file = t.write('quirky.csv', quirkyCsv(1500, '\n'))
    const first = await importDataset(t.project, file)
    const other = createProject(path.join(t.dir, 'Other'), 'Other')
    try {
      const second = await importDataset(other, file)
      expect([partsOf(t.project, first.datasetId), partsOf(other, second.datasetId)]).toEqual([os.availableParallelism() >= 4 ? 2 : 1, 2])
    } finally {
      other.close()
    }
  })

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n']
  ])('gives the same dataset as reading it in one go (%s)', async (_name, eol) => {
    const file = t.write('quirky.csv', quirkyCsv(3000, eol))
    const { whole, halves, parts } = await importBothWays(file)
    expect(parts).toEqual([1, 2])
    expect(halves).toEqual(whole)
    // The quirks are really there, in both halves.
    // Row 7 is ragged: line 9 after the header, plus one for row 5's two-line cell.
    expect(whole.skipped[0].file).toBe('line 10')
    expect(whole.skipped.filter((s) => Number(s.file.slice(5)) > 2000).length).toBeGreaterThan(2)
    expect(whole.classes.map((c) => c.label)).toEqual(expect.arrayContaining(['keep', 'leave', 'rare']))
    const notes = whole.items.map((i) => i.row?.[3])
    expect(notes).toContain(`line one of 2915${eol}line two, with a comma`)
    expect(notes).toContain('fine, 5 🙂')
    const ragged = (i: number) => i % 401 === 7 || i % 577 === 11
    const missing = Array.from({ length: 3000 }, (_, i) => i).filter((i) => i % 13 === 0 && !ragged(i)).length
    expect(whole.columns.find((c) => c.name === 'amount')).toMatchObject({ type: 'numeric', missing })
  })

  it('reads the second half itself when the middle falls inside a multi-line cell', async () => {
    // One long quoted cell across the middle of the file: the first half cannot end between records there.
    const head = Array.from({ length: 200 }, (_, i) => `${i},short ${i},${i % 2 ? 'a' : 'b'}`)
    const long = `200,"${Array.from({ length: 400 }, (_, i) => `part ${i}`).join('\n')}",a`
    const tail = Array.from({ length: 200 }, (_, i) => `${201 + i},short,${i % 2 ? 'a' : 'b'}`)
    const file = t.write('straddle.csv', ['n,text,label', ...head, long, ...tail].join('\n') + '\n')
    const { whole, halves, parts } = await importBothWays(file)
    expect(parts).toEqual([1, 1])
    expect(halves).toEqual(whole)
    expect(whole.imported).toBe(401)
    expect(whole.items[200].text).toMatch(/^part 0\npart 1\n.*part 399$/s)
  })

  it('reads the second half itself when the worker thread fails', async () => {
    const file = t.write('quirky.csv', quirkyCsv(1500, '\n'))
    tableScanSettings.workerFile = t.write('broken-worker.js', 'process.exit(3)')
    const { whole, halves, parts } = await importBothWays(file)
    expect(parts).toEqual([1, 1])
    expect(halves).toEqual(whole)
  })

  it('cancelling while both halves are read leaves the project exactly as before', async () => {
    Object.assign(tableScanSettings, { splitMinBytes: 0, coldSplitMinBytes: 0 })
    const file = t.write('quirky.csv', quirkyCsv(20_000, '\n'))
    const counts = () => t.counts(['datasets', 'columns', 'import_skipped', 'table_state', 'table_chunks'])
    const before = counts()
    const controller = new AbortController()
    let reading = 0
    const run = importDataset(t.project, file, {}, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'reading' && ++reading === 3) controller.abort()
      }
    })
    await expect(run).rejects.toMatchObject({ code: 'IMPORT_CANCELLED' })
    expect(counts()).toEqual(before)
    expect(fs.readdirSync(path.join(t.project.root, 'blobs'))).toEqual([])
    expect(fs.readdirSync(path.join(t.project.root, STAGING_DIR))).toEqual([])
    // The next import is read in two halves again, and completely.
    const result = await importDataset(t.project, file)
    expect(partsOf(t.project, result.datasetId)).toBe(2)
    expect(result.imported + result.skipped.length).toBe(20_000)
  })
})
