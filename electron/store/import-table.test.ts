import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { blobPath } from './blobs'
import { featureColumns, getDataset, iterateItems, listItems, setColumn, setTarget } from './datasets'
import { healthReport } from './health'
import { importDataset } from './import'
import { makeImage } from './data.test-helpers'
import { useTempProject } from './project.test-helpers'

const t = useTempProject()

function dbCounts(): number[] {
  return t.counts(['datasets', 'items', 'columns', 'import_skipped', 'table_state', 'table_chunks'])
}

const flowers = (sep: string, eol: string): string =>
  [
    ['sepal', 'petal', 'colour', 'species'],
    ...Array.from({ length: 30 }, (_, i) => [(4 + (i % 7) * 0.3).toFixed(1), (1 + (i % 5) * 0.5).toFixed(1), ['red', 'blue', 'white'][i % 3], ['setosa', 'virginica'][i % 2]])
  ]
    .map((r) => r.join(sep))
    .join(eol) + eol

describe('table import', () => {
  it.each([
    ['comma, LF', flowers(',', '\n')],
    ['semicolon, CRLF', flowers(';', '\r\n')],
    ['tab, LF', flowers('\t', '\n')],
    ['comma, CRLF, UTF-8 BOM', '\uFEFF' + flowers(',', '\r\n')],
    ['no final line break', flowers(',', '\n').trimEnd()]
  ])('reads %s: columns, types and target', async (_case, text) => {
    const result = await importDataset(t.project, t.write('flowers.csv', text), { seed: 3 })
    expect(result.kind).toBe('table')
    expect(result.imported).toBe(30)
    expect(result.columns.map((c) => [c.name, c.type])).toEqual([
      ['sepal', 'numeric'],
      ['petal', 'numeric'],
      ['colour', 'categorical'],
      ['species', 'categorical']
    ])
    const d = getDataset(t.project.db, result.datasetId)
    expect(d.target).toBe('species')
    expect(d.classes).toEqual([
      { label: 'setosa', count: 15 },
      { label: 'virginica', count: 15 }
    ])
    const first = listItems(t.project.db, result.datasetId, { limit: 1 }).items[0]
    expect(first.row).toEqual(['4.0', '1.0', 'red', 'setosa'])
    // The file itself is kept, content-addressed.
    expect(fs.existsSync(blobPath(t.project.root, (t.project.db.prepare('SELECT settings FROM datasets').get() as { settings: string }).settings.match(/"fileBlob":"(\w+)"/)![1]))).toBe(true)
  })

  it('keeps quoted delimiters and line breaks, counts missing values, infers every type', async () => {
    const rows = [
      'customer_id,signup,age,plan,active,comment,score',
      ...Array.from({ length: 40 }, (_, i) => {
        const age = [NaN, 20 + i][i % 8 === 0 ? 0 : 1]
        const missing = ['', 'NA', 'N/A', 'null', '?'][i % 5]
        return [
          1000 + i,
          `2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
          Number.isNaN(age) ? missing : age,
          i % 2 ? '"basic, monthly"' : 'pro',
          i % 3 ? 'yes' : 'no',
          i === 4 ? '"line one\nline ""two"", with comma"' : `"note ${i} about the customer and their experience so far"`,
          (i * 1.5).toFixed(2)
        ].join(',')
      })
    ]
    const result = await importDataset(t.project, t.write('customers.csv', rows.join('\n')), { target: 'active' })
    const byName = Object.fromEntries(result.columns.map((c) => [c.name, c]))
    expect(Object.fromEntries(result.columns.map((c) => [c.name, c.type]))).toEqual({
      customer_id: 'id',
      signup: 'date',
      age: 'numeric',
      plan: 'categorical',
      active: 'boolean',
      comment: 'text',
      score: 'numeric'
    })
    expect(byName.age.missing).toBe(5)
    expect(byName.customer_id.excluded).toBe(true)
    const items = [...iterateItems(t.project.db, result.datasetId)]
    expect(items).toHaveLength(40)
    const tricky = items.find((i) => i.row?.[0] === '1004')
    expect(tricky?.row?.[5]).toBe('line one\nline "two", with comma')
    expect(items.find((i) => i.row?.[0] === '1001')?.row?.[3]).toBe('basic, monthly')
    expect(featureColumns(t.project.db, result.datasetId).map((c) => c.name)).toEqual(['signup', 'age', 'plan', 'comment', 'score'])
  })

  it('detects a file without a header', async () => {
    const text = Array.from({ length: 12 }, (_, i) => `${i * 2},${i % 3},${i % 2 ? 'a' : 'b'}`).join('\n')
    const result = await importDataset(t.project, t.write('nohead.csv', text))
    expect(result.imported).toBe(12)
    expect(result.columns.map((c) => c.name)).toEqual(['column_1', 'column_2', 'column_3'])
  })

  it('skips ragged rows and reports their line numbers (counting multi-line cells)', async () => {
    const text = ['a,b,label', '1,2,x', '"multi\nline",3,y', '4,5', '6,7,x,extra', '8,9,y', ''].join('\n')
    const result = await importDataset(t.project, t.write('ragged.csv', text), { ragged: 'skip' })
    expect(result.imported).toBe(3)
    expect(result.skipped.map((s) => [s.file, s.code])).toEqual([
      ['line 5', 'ragged'],
      ['line 6', 'ragged']
    ])
    expect(healthReport(t.project.db, result.datasetId).warnings.map((w) => w.key)).toContain('raggedRows')
  })

  it('refuses ragged rows when asked to, changing nothing', async () => {
    const text = ['a,b,label', '1,2,x', '4,5', '8,9,y'].join('\n')
    const before = dbCounts()
    await expect(importDataset(t.project, t.write('ragged.csv', text), { ragged: 'refuse' })).rejects.toMatchObject({
      code: 'IMPORT_RAGGED_ROWS',
      params: { count: 1, lines: '3' }
    })
    expect(dbCounts()).toEqual(before)
  })

  it('imports a file without ragged rows when ragged rows are to be refused', async () => {
    const result = await importDataset(t.project, t.write('clean.csv', flowers(',', '\n')), { ragged: 'refuse' })
    expect(result.imported).toBe(30)
    expect(result.skipped).toEqual([])
  })

  it.each([
    ['an empty file', '', 'IMPORT_EMPTY_FILE'],
    ['a file of blank lines', '\n\n \n', 'IMPORT_EMPTY_FILE'],
    ['a header-only file', 'name,age,label\n', 'IMPORT_HEADER_ONLY'],
    ['a header-only file with BOM and CRLF', '\uFEFFname,age,label\r\n', 'IMPORT_HEADER_ONLY'],
    ['a binary file', 'png', 'IMPORT_BINARY_FILE'],
    ['a missing file', null, 'IMPORT_PATH_NOT_FOUND']
  ])('refuses %s with a clear error and changes nothing', async (_case, content, code) => {
    const file = content === null ? path.join(t.dir, 'missing.csv') : t.write('x.csv', content === 'png' ? await makeImage('png') : content)
    const before = dbCounts()
    const error = await importDataset(t.project, file).catch((e: unknown) => e)
    expect(error).toMatchObject({ code })
    expect((error as Error).message).toMatch(/Nothing was imported/)
    expect(dbCounts()).toEqual(before)
  })

  it('re-importing the same file says so and adds nothing', async () => {
    const file = t.write('flowers.csv', flowers(',', '\n'))
    const first = await importDataset(t.project, file)
    const again = await importDataset(t.project, file)
    expect(again.duplicateOf).toBe(first.datasetId)
    expect(dbCounts()[0]).toBe(1)
  })

  it('health: leakage, ID columns, many missing; overriding types and target', async () => {
    const rows = ['row_id,x,leak,sparse,label', ...Array.from({ length: 50 }, (_, i) => `${i + 1},${(i * 7) % 11},${i % 2 ? 'Y' : 'N'},${i % 3 ? '' : i},${i % 2 ? 'yes' : 'no'}`)]
    const { datasetId } = await importDataset(t.project, t.write('leaky.csv', rows.join('\n')), { target: 'label' })
    const warnings = healthReport(t.project.db, datasetId).warnings
    expect(warnings.find((w) => w.key === 'leakage')).toMatchObject({ params: { column: 'leak' }, fix: { kind: 'exclude-column', column: 'leak' } })
    expect(warnings.find((w) => w.key === 'manyMissing')).toMatchObject({ params: { column: 'sparse', percent: 66 } })
    expect(warnings.find((w) => w.key === 'idColumnExcluded')).toMatchObject({ params: { column: 'row_id' } })

    setColumn(t.project.db, datasetId, 'leak', { excluded: true })
    setColumn(t.project.db, datasetId, 'x', { type: 'categorical' })
    const d = getDataset(t.project.db, datasetId)
    expect(d.columns.find((c) => c.name === 'x')).toMatchObject({ inferredType: 'numeric', userType: 'categorical', type: 'categorical' })
    expect(healthReport(t.project.db, datasetId).warnings.find((w) => w.key === 'leakage')).toBeUndefined()

    setTarget(t.project.db, datasetId, 'leak')
    expect(getDataset(t.project.db, datasetId).classes.map((c) => c.label).sort()).toEqual(['N', 'Y'])
  })
})

describe('text import', () => {
  it('turns a text column and a label column into a text dataset; multi-line cells and emoji survive', async () => {
    const reviews = [
      'review,sentiment',
      '"Loved it 😍 — would buy again",positive',
      '"Terrible.\nBroke after a day 💔",negative',
      ...Array.from({ length: 20 }, (_, i) => `"review number ${i} says this product is ${i % 2 ? 'great' : 'awful'} overall",${i % 2 ? 'positive' : 'negative'}`),
      '"no label here",'
    ]
    const result = await importDataset(t.project, t.write('reviews.csv', reviews.join('\r\n')))
    expect(result.kind).toBe('text')
    expect(result.imported).toBe(22)
    expect(result.skipped.map((s) => s.code)).toEqual(['emptyLabel'])
    const d = getDataset(t.project.db, result.datasetId)
    expect([d.textColumn, d.target]).toEqual(['review', 'sentiment'])
    const texts = [...iterateItems(t.project.db, result.datasetId)].map((i) => i.text)
    expect(texts).toContain('Loved it 😍 — would buy again')
    expect(texts).toContain('Terrible.\nBroke after a day 💔')
    expect(d.classes).toEqual([
      { label: 'negative', count: 11 },
      { label: 'positive', count: 11 }
    ])
  })
})

describe('table import limits', () => {
  /** Writes a file in pieces (never the whole text in this process's memory at once). */
  function writeInPieces(name: string, pieces: () => Iterable<string>): string {
    const file = path.join(t.dir, name)
    const fd = fs.openSync(file, 'w')
    try {
      for (const piece of pieces()) fs.writeSync(fd, piece)
    } finally {
      fs.closeSync(fd)
    }
    return file
  }

  /** Runs an import while sampling this process's heap: its outcome, how long it took and how far the heap grew. */
  async function measured(file: string): Promise<{ code: string; message: string; seconds: number; heapGrowthMiB: number }> {
    global.gc?.()
    const base = process.memoryUsage().heapUsed
    let peak = base
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 10)
    const started = performance.now()
    try {
      await importDataset(t.project, file)
      return { code: 'ok', message: '', seconds: (performance.now() - started) / 1000, heapGrowthMiB: (peak - base) / 2 ** 20 }
    } catch (err) {
      const e = err as { code?: string; message: string }
      return { code: e.code ?? String(err), message: e.message, seconds: (performance.now() - started) / 1000, heapGrowthMiB: (peak - base) / 2 ** 20 }
    } finally {
      clearInterval(sampler)
    }
  }

  it('a CSV of one 48 MiB line is refused within seconds, in bounded memory, and adds nothing', async () => {
    const file = writeInPieces('one-line.csv', function* () {
      yield 'id,text\n1,'
      for (let i = 0; i < 48; i++) yield 'x'.repeat(1 << 20)
    })
    const outcome = await measured(file)
    expect(outcome.code).toBe('IMPORT_LINE_TOO_LONG')
    expect(outcome.message).toContain('Line 2 of')
    expect(outcome.message).toContain('longer than 2 MiB')
    expect(outcome.seconds).toBeLessThan(15)
    expect(outcome.heapGrowthMiB).toBeLessThan(200)
    expect(dbCounts()).toEqual([0, 0, 0, 0, 0, 0])
  }, 120_000)

  it('an unclosed quote that would make the rest of the file one row is refused the same way', async () => {
    const file = writeInPieces('open-quote.csv', function* () {
      yield 'id,text\n1,ok\n2,"never closed\n'
      for (let i = 0; i < 100_000; i++) yield `${i},some more text on this line\n`
    })
    const outcome = await measured(file)
    expect(outcome.code).toBe('IMPORT_LINE_TOO_LONG')
    expect(outcome.message).toContain('Line 3 of')
  })

  it('a field over 1 MiB is refused, naming its line', async () => {
    const file = t.write('long-field.csv', `id,text,label\n1,short,a\n2,short,b\n3,"${'y'.repeat((1 << 20) + 10)}",a\n4,short,b\n`)
    const outcome = await measured(file)
    expect(outcome.code).toBe('IMPORT_FIELD_TOO_LONG')
    expect(outcome.message).toContain('line 4 of')
    expect(outcome.message).toContain('longer than 1 MiB')
  })

  it('long texts within the limits import as before', async () => {
    const rows = ['text,label', ...Array.from({ length: 6 }, (_, i) => `"${'word '.repeat(40_000 + i)}",${i % 2 ? 'pos' : 'neg'}`)]
    const result = await importDataset(t.project, t.write('long-reviews.csv', rows.join('\n') + '\n'))
    expect(result.imported).toBe(6)
  })
})
