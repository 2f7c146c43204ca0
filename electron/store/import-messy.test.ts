import { describe, expect, it } from 'vitest'
import { dropUnlabelled, getDataset, iterateItems, listItems, setColumn, setTarget } from './datasets'
import { healthReport } from './health'
import { importDataset } from './import'
import { useTempProject } from './project.test-helpers'

const t = useTempProject()

/** Rows of a table: a header and rows of cells, joined as CSV with a delimiter. */
const table = (rows: Array<Array<string | number>>, sep = ','): string => rows.map((r) => r.join(sep)).join('\n') + '\n'

/** Penguins-shaped rows: three species, an island, two measurements with "NA", and a sex with "." and empty cells. */
function penguins(n = 60): string {
  const rows: Array<Array<string | number>> = [['species', 'island', 'bill_length_mm', 'body_mass_g', 'sex']]
  for (let i = 0; i < n; i++) {
    const sex = i === 7 ? '.' : i % 17 === 3 ? '' : i % 2 ? 'MALE' : 'FEMALE'
    rows.push([['Adelie', 'Gentoo', 'Chinstrap'][i % 3], ['Biscoe', 'Dream', 'Torgersen'][i % 3], i === 4 ? 'NA' : (38 + (i % 9) * 1.3).toFixed(1), i === 4 ? 'NA' : 3500 + ((i * 97) % 1500), sex])
  }
  return table(rows)
}

const columnOf = (datasetId: string, name: string) => getDataset(t.project.db, datasetId).columns.find((c) => c.name === name)!

describe('missing values that are not empty cells', () => {
  it('penguins: "." and NA are missing (shown with their counts), never a category', async () => {
    const { datasetId } = await importDataset(t.project, t.write('penguins.csv', penguins()), { target: 'species' })
    const sex = columnOf(datasetId, 'sex')
    expect(sex.type).toBe('categorical')
    expect(sex.stats.top.map((v) => v.value).sort()).toEqual(['FEMALE', 'MALE'])
    expect(sex.missing).toBe(1 + 4)
    expect(sex.stats.missingTokens).toEqual([
      { token: '', count: 4 },
      { token: '.', count: 1 }
    ])
    expect(columnOf(datasetId, 'bill_length_mm')).toMatchObject({ type: 'numeric', missing: 1 })
    const rows = [...iterateItems(t.project.db, datasetId)].map((i) => i.row!)
    expect(rows[7][4]).toBeNull()
    expect(healthReport(t.project.db, datasetId).warnings.find((w) => w.key === 'missingSpellings' && w.params.column === 'sex')).toMatchObject({ params: { tokens: '"." ×1' } })
  })

  it('a column can read a spelling as a value again (and back): its rows, counts and type follow', async () => {
    const { datasetId } = await importDataset(t.project, t.write('penguins.csv', penguins()), { target: 'sex' })
    expect(getDataset(t.project.db, datasetId).classes.map((c) => c.label).sort()).toEqual(['FEMALE', 'MALE'])
    expect(getDataset(t.project.db, datasetId).unlabelled).toBe(5)
    setColumn(t.project.db, datasetId, 'sex', { missing: [''] })
    expect(columnOf(datasetId, 'sex')).toMatchObject({ missing: 4, missingTokens: [''], missingChosen: true })
    expect(getDataset(t.project.db, datasetId).classes.map((c) => c.label).sort()).toEqual(['.', 'FEMALE', 'MALE'])
    expect([...iterateItems(t.project.db, datasetId)][7].row![4]).toBe('.')
    setColumn(t.project.db, datasetId, 'sex', { missing: null })
    expect(columnOf(datasetId, 'sex')).toMatchObject({ missing: 5, missingChosen: false })
    expect(getDataset(t.project.db, datasetId).classes.map((c) => c.label).sort()).toEqual(['FEMALE', 'MALE'])
  })

  it('missing spellings can be chosen at import', async () => {
    const { datasetId } = await importDataset(t.project, t.write('penguins.csv', penguins()), { target: 'species', columns: { sex: { missing: ['', 'NA'] } } })
    expect(columnOf(datasetId, 'sex').stats.top.map((v) => v.value).sort()).toEqual(['.', 'FEMALE', 'MALE'])
  })
})

describe('numbers and types', () => {
  it('decimal commas in a semicolon file are numbers, not categories', async () => {
    const rows: Array<Array<string | number>> = [['sepal', 'petal', 'species']]
    for (let i = 0; i < 30; i++) rows.push([`${4 + (i % 4)},${i % 10}`, `${1 + (i % 3)},${(i * 3) % 10}`, ['setosa', 'virginica'][i % 2]])
    const result = await importDataset(t.project, t.write('iris-fr.csv', table(rows, ';')))
    expect(result.reading).toMatchObject({ decimal: ',', encoding: 'utf-8' })
    const sepal = result.columns.find((c) => c.name === 'sepal')!
    expect(sepal.type).toBe('numeric')
    expect(sepal.stats.min).toBe(4)
    expect(sepal.stats.max).toBe(7.9)
    expect(healthReport(t.project.db, result.datasetId).warnings.map((w) => w.key)).toContain('decimalComma')
  })

  it('counts with an order are numbers (support calls 0–9, cylinders), codes with leading zeros are categories, and the reason is shown', async () => {
    const rows: Array<Array<string | number>> = [['support_calls', 'Cylinders', 'store', 'churned']]
    for (let i = 0; i < 200; i++) rows.push([i % 10, [4, 6, 8, 4, 3][i % 5], String(i % 6).padStart(3, '0'), i % 3 ? 'no' : 'yes'])
    const { columns } = await importDataset(t.project, t.write('churn.csv', table(rows)))
    expect(columns.map((c) => [c.name, c.type, c.stats.reason])).toEqual([
      ['support_calls', 'numeric', 'wholeNumbers'],
      ['Cylinders', 'numeric', 'wholeNumbers'],
      ['store', 'categorical', 'leadingZeros'],
      ['churned', 'boolean', 'yesNo']
    ])
  })

  it('column types and exclusions can be chosen at import', async () => {
    const rows: Array<Array<string | number>> = [['support_calls', 'plan', 'churned']]
    for (let i = 0; i < 40; i++) rows.push([i % 10, ['a', 'b'][i % 2], i % 3 ? 'no' : 'yes'])
    const { columns } = await importDataset(t.project, t.write('churn.csv', table(rows)), { columns: { support_calls: { type: 'categorical' }, plan: { excluded: true } } })
    expect(columns.map((c) => [c.name, c.inferredType, c.type, c.excluded])).toEqual([
      ['support_calls', 'numeric', 'categorical', false],
      ['plan', 'categorical', 'categorical', true],
      ['churned', 'boolean', 'boolean', false]
    ])
    await expect(importDataset(t.project, t.write('churn2.csv', table(rows)), { columns: { nope: { excluded: true } } })).rejects.toMatchObject({ code: 'IMPORT_BAD_COLUMN' })
  })
})

describe('files that are not what they claim', () => {
  const records = Array.from({ length: 25 }, (_, i) => ({ city: ['Lyon', 'Nice'][i % 2], temp: 10 + (i % 7) * 1.5, rain: i % 4 === 0 ? null : i % 3, kind: i % 2 ? 'sun' : 'rain' }))

  it('a JSON array of objects is a table: its keys are the columns, null is missing', async () => {
    const result = await importDataset(t.project, t.write('weather.json', JSON.stringify(records, null, 2)), { target: 'kind' })
    expect(result).toMatchObject({ kind: 'table', imported: 25, reading: { json: 'array' } })
    expect(result.columns.map((c) => [c.name, c.type])).toEqual([
      ['city', 'categorical'],
      ['temp', 'numeric'],
      ['rain', 'numeric'],
      ['kind', 'categorical']
    ])
    expect(result.classes.map((c) => c.label).sort()).toEqual(['rain', 'sun'])
    expect(result.columns.find((c) => c.name === 'rain')!.missing).toBe(7)
    expect(getDataset(t.project.db, result.datasetId).name).toBe('weather')
  })

  it('JSON Lines (one object per line) is a table too; a key only some rows have is missing in the others', async () => {
    const lines = records.map((r, i) => JSON.stringify(i === 3 ? { ...r, note: 'windy, "very"' } : r)).join('\n')
    const result = await importDataset(t.project, t.write('weather.jsonl', lines), { target: 'kind' })
    expect(result).toMatchObject({ imported: 25, reading: { json: 'lines' } })
    const note = result.columns.find((c) => c.name === 'note')!
    expect(note.missing).toBe(24)
    expect([...iterateItems(t.project.db, result.datasetId)][3].row![4]).toBe('windy, "very"')
  })

  it.each([
    ['an object', '{\n  "rows": [1, 2, 3]\n}'],
    ['an array of numbers', '[1, 2, 3]'],
    ['broken JSON', '[{"a": 1}, {"a": '],
    ['lines that are not objects', '{"a": 1}\n[2]\n']
  ])('other JSON (%s) is refused in plain words, changing nothing', async (_case, text) => {
    const before = t.counts(['datasets'])
    const error = await importDataset(t.project, t.write('data.json', text)).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'IMPORT_JSON_NOT_TABLE' })
    expect((error as Error).message).toMatch(/array of objects/)
    expect(t.counts(['datasets'])).toEqual(before)
  })

  it('a Windows-1252 (Latin-1) CSV is read as such, not refused as binary', async () => {
    const text = table([['name', 'city', 'label'], ...Array.from({ length: 12 }, (_, i) => [['José', 'Zoë', 'Ærøskøbing'][i % 3], ['Besançon', 'Münster'][i % 2], i % 2 ? 'a' : 'b'])])
    const bytes = Buffer.from(text, 'latin1')
    const result = await importDataset(t.project, t.write('latin1.csv', bytes))
    expect(result.reading).toMatchObject({ encoding: 'windows-1252', encodingDetected: true })
    const rows = [...iterateItems(t.project.db, result.datasetId)].map((i) => i.row!)
    expect(rows[0].slice(0, 2)).toEqual(['José', 'Besançon'])
    expect(rows[2][0]).toBe('Ærøskøbing')
    expect(healthReport(t.project.db, result.datasetId).warnings.find((w) => w.key === 'encoding')).toMatchObject({ params: { encoding: 'windows-1252' } })
  })

  it('UTF-16 with a BOM is read; an encoding can also be chosen', async () => {
    const text = table([['name', 'label'], ...Array.from({ length: 10 }, (_, i) => [`Zoë ${i}`, i % 2 ? 'a' : 'b'])])
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    const result = await importDataset(t.project, t.write('utf16.csv', utf16), { kind: 'table' })
    expect(result.reading?.encoding).toBe('utf-16le')
    expect([...iterateItems(t.project.db, result.datasetId)][9].row).toEqual(['Zoë 9', 'a'])
    const chosen = await importDataset(t.project, t.write('chosen.csv', Buffer.from(text, 'latin1')), { encoding: 'windows-1252' })
    expect(chosen.reading).toMatchObject({ encoding: 'windows-1252', encodingDetected: false })
  })

  it('a UTF-8 BOM does not shift the rows of a file read in many chunks', async () => {
    const rows = ['a,b,label', ...Array.from({ length: 8000 }, (_, i) => `${i},${i * 2},${i % 2 ? 'yes' : 'no'}`)]
    const { datasetId } = await importDataset(t.project, t.write('bom.csv', '\uFEFF' + rows.join('\n') + '\n'))
    const items = [...iterateItems(t.project.db, datasetId)]
    expect(items).toHaveLength(8000)
    expect(items.at(-1)!.row).toEqual(['7999', '15998', 'yes'])
    expect(items.every((it, i) => it.row![0] === String(i))).toBe(true)
  })

  it('a header with a repeated name (x,x,label) stays the header; the repeat is renamed visibly', async () => {
    const rows: Array<Array<string | number>> = [['x', 'x', 'label']]
    for (let i = 0; i < 20; i++) rows.push([i, i * 3, i % 2 ? 'a' : 'b'])
    const result = await importDataset(t.project, t.write('xx.csv', table(rows)))
    expect(result.imported).toBe(20)
    expect(result.columns.map((c) => c.name)).toEqual(['x', 'x_2', 'label'])
    expect(result.reading?.renamed).toEqual([{ position: 1, from: 'x', to: 'x_2' }])
    expect(healthReport(t.project.db, result.datasetId).warnings.find((w) => w.key === 'renamedColumn')).toMatchObject({ params: { from: 'x', to: 'x_2', position: 2 } })
  })

  it('a number target holding NaN and Inf is a number target; those rows have no target', async () => {
    const rows: Array<Array<string | number>> = [['hours', 'temp']]
    for (let i = 0; i < 40; i++) rows.push([i % 8, i === 5 ? 'NaN' : i === 6 ? 'Inf' : i === 7 ? '-inf' : (12 + i * 0.37).toFixed(2)])
    const result = await importDataset(t.project, t.write('temps.csv', table(rows)), { target: 'temp' })
    expect(result.columns.find((c) => c.name === 'temp')!.type).toBe('numeric')
    expect(result.classes).toEqual([])
    expect(result.unlabelled).toBe(3)
  })

  it('a one-value target is refused at import and when chosen as the target; a guessed one is passed over', async () => {
    const rows: Array<Array<string | number>> = [['size', 'colour', 'label']]
    for (let i = 0; i < 30; i++) rows.push([i % 5, ['red', 'blue'][i % 2], 'yes'])
    const file = t.write('one.csv', table(rows))
    const before = t.counts(['datasets'])
    const error = await importDataset(t.project, file, { target: 'label' }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'TARGET_ONE_VALUE', params: { column: 'label', value: 'yes', count: 30 } })
    expect((error as Error).message).toMatch(/only one value/)
    expect(t.counts(['datasets'])).toEqual(before)

    const guessed = await importDataset(t.project, file)
    expect(getDataset(t.project.db, guessed.datasetId).target).toBe('colour')
    expect(() => setTarget(t.project.db, guessed.datasetId, 'label')).toThrow(expect.objectContaining({ code: 'TARGET_ONE_VALUE' }))
    expect(getDataset(t.project.db, guessed.datasetId).target).toBe('colour')
  })
})

describe('rows without a value to predict', () => {
  /** Cars-shaped rows: 8 of 120 have no MPG. */
  function cars(): string {
    const rows: Array<Array<string | number>> = [['mpg', 'cylinders', 'horsepower', 'weight', 'origin']]
    for (let i = 0; i < 120; i++) {
      const cyl = [4, 6, 8][i % 3]
      rows.push([i % 15 === 2 ? '' : (45 - cyl * 3 - (i % 7) * 0.5).toFixed(1), cyl, i === 11 ? '?' : 60 + cyl * 15 + (i % 9), 2000 + cyl * 300 + (i % 11) * 20, ['usa', 'europe', 'japan'][i % 3]])
    }
    return table(rows)
  }

  it('are counted, in no split and never listed in one, and one click drops them', async () => {
    const result = await importDataset(t.project, t.write('cars.csv', cars()), { target: 'mpg', seed: 5 })
    const d = getDataset(t.project.db, result.datasetId)
    expect(d.unlabelled).toBe(8)
    expect(d.splits.train + d.splits.validation + d.splits.test).toBe(112)
    for (const split of ['train', 'validation', 'test'] as const) {
      const items = [...iterateItems(t.project.db, result.datasetId, { split })]
      expect(items).toHaveLength(d.splits[split])
      expect(items.every((i) => i.label !== null)).toBe(true)
    }
    const all = listItems(t.project.db, result.datasetId, { limit: 200 })
    expect(all.total).toBe(120)
    expect(all.items.filter((i) => i.split === null)).toHaveLength(8)
    const warning = healthReport(t.project.db, result.datasetId).warnings.find((w) => w.key === 'targetMissing')
    expect(warning).toMatchObject({ severity: 'warning', params: { column: 'mpg', count: 8 }, fix: { kind: 'drop-unlabelled' } })

    expect(dropUnlabelled(t.project.db, result.datasetId)).toBe(8)
    expect(getDataset(t.project.db, result.datasetId)).toMatchObject({ unlabelled: 0, itemCount: 112 })
    expect(healthReport(t.project.db, result.datasetId).warnings.find((w) => w.key === 'targetMissing')).toBeUndefined()
  })
})

describe('importing the same file again', () => {
  it('with other choices makes a new dataset that says how it differs; with the same choices it is the same dataset', async () => {
    const file = t.write('penguins.csv', penguins())
    const first = await importDataset(t.project, file, { target: 'species' })
    const same = await importDataset(t.project, file, { target: 'species' })
    expect(same.duplicateOf).toBe(first.datasetId)

    const other = await importDataset(t.project, file, { target: 'island', columns: { body_mass_g: { excluded: true } } })
    expect(other.duplicateOf).toBeNull()
    expect(other.variantOf).toMatchObject({ datasetId: first.datasetId, name: 'penguins' })
    expect(other.variantOf!.differences).toEqual(
      expect.arrayContaining([
        { choice: 'target', from: 'species', to: 'island' },
        { choice: 'excluded', column: 'body_mass_g', from: 'false', to: 'true' }
      ])
    )
    expect(getDataset(t.project.db, other.datasetId)).toMatchObject({ name: 'penguins (2)', target: 'island', variantOf: other.variantOf })
    // The first dataset, changed to match the variant, makes a third import with those choices its duplicate.
    const again = await importDataset(t.project, file, { target: 'island', columns: { body_mass_g: { excluded: true } } })
    expect(again.duplicateOf).toBe(other.datasetId)
  })
})
