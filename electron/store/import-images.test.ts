import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { StrataError } from '../../common/errors'
import { blobPath, thumbPath } from './blobs'
import { getDataset, iterateItems, listDatasets, listItems } from './datasets'
import { healthReport } from './health'
import { importDataset } from './import'
import { STAGING_DIR } from './import-staging'
import { makeImage, makeImageFolder, writeTree } from './data.test-helpers'
import { useTempProject } from './project.test-helpers'

const t = useTempProject()

function snapshot(folder: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else out[path.relative(folder, p)] = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex')
    }
  }
  walk(folder)
  return out
}

function dbCounts(): { datasets: number; items: number; columns: number; skipped: number } {
  const [datasets, items, columns, skipped] = t.counts(['datasets', 'items', 'columns', 'import_skipped'])
  return { datasets, items, columns, skipped }
}

/** Every format, colour mode and breakage the importer must handle, in one folder. */
async function quirkyFolder(root: string): Promise<void> {
  const jpeg = await makeImage('jpeg', { seed: 100, width: 64, height: 48 })
  const png = await makeImage('png', { seed: 101 })
  writeTree(root, {
    'cats/plain.jpg': jpeg,
    'cats/rotated.jpg': await makeImage('jpeg', { seed: 102, width: 60, height: 30, orientation: 6 }),
    'cats/grey.png': await makeImage('png', { seed: 103, channels: 1 }),
    'cats/palette.png': await makeImage('png', { seed: 104, palette: true }),
    'cats/alpha.png': await makeImage('png', { seed: 105, channels: 4 }),
    'cats/.DS_Store': Buffer.from([0, 0, 0, 1, 66, 117, 100, 49]),
    'cats/notes.txt': 'not an image',
    'dogs/a.webp': await makeImage('webp', { seed: 106 }),
    'dogs/b.gif': await makeImage('gif', { seed: 107 }),
    'dogs/c.bmp': await makeImage('bmp', { seed: 108 }),
    'dogs/d.tiff': await makeImage('tiff', { seed: 109 }),
    'dogs/nested/deeper/e.png': png,
    'dogs/truncated.jpg': jpeg.subarray(0, Math.floor(jpeg.length / 2)),
    'dogs/truncated.png': png.subarray(0, Math.floor(png.length / 2)),
    'dogs/garbage.jpg': 'this is not a jpeg',
    'dogs/empty.png': Buffer.alloc(0),
    '猫咪 🐱/小猫 ①.jpg': await makeImage('jpeg', { seed: 110 }),
    '猫咪 🐱/Ünïcödé.png': await makeImage('png', { seed: 111 }),
    'README.txt': 'read me',
    'loose.jpg': await makeImage('jpeg', { seed: 112 })
  })
}

describe('image folder import', () => {
  it('imports every format, lists what it skipped and why, and leaves the originals untouched', async () => {
    const source = path.join(t.dir, 'photos')
    await quirkyFolder(source)
    const before = snapshot(source)
    const result = await importDataset(t.project, source, { seed: 7 })

    expect(result.kind).toBe('images')
    expect(result.imported).toBe(12)
    expect(Object.fromEntries(result.classes.map((c) => [c.label, c.count]))).toEqual({ cats: 5, dogs: 5, '猫咪 🐱': 2 })
    const skipped = Object.fromEntries(result.skipped.map((s) => [s.file, s.code]))
    expect(skipped).toEqual({
      'cats/.DS_Store': 'hidden',
      'cats/notes.txt': 'notImage',
      'README.txt': 'notImage',
      'loose.jpg': 'notInClass',
      'dogs/truncated.jpg': 'unreadable',
      'dogs/truncated.png': 'unreadable',
      'dogs/garbage.jpg': 'unreadable',
      'dogs/empty.png': 'unreadable'
    })
    for (const s of result.skipped) expect(s.reason.length).toBeGreaterThan(10)
    expect(result.splits.train + result.splits.validation + result.splits.test).toBe(12)
    expect(snapshot(source)).toEqual(before)

    const items = [...iterateItems(t.project.db, result.datasetId)]
    const byFile = new Map(items.map((i) => [i.file, i]))
    // EXIF orientation 6 turns a 60×30 picture upright: 30×60.
    expect([byFile.get('cats/rotated.jpg')?.width, byFile.get('cats/rotated.jpg')?.height]).toEqual([30, 60])
    expect(byFile.get('dogs/nested/deeper/e.png')?.label).toBe('dogs')
    expect(byFile.get('猫咪 🐱/小猫 ①.jpg')?.label).toBe('猫咪 🐱')
    for (const item of items) {
      expect(fs.existsSync(blobPath(t.project.root, item.hash as string))).toBe(true)
      expect(fs.existsSync(thumbPath(t.project.root, item.hash as string))).toBe(true)
    }
    const blob = fs.readFileSync(blobPath(t.project.root, byFile.get('cats/plain.jpg')?.hash as string))
    expect(blob.equals(fs.readFileSync(path.join(source, 'cats/plain.jpg')))).toBe(true)
    expect(fs.readdirSync(path.join(t.project.root, STAGING_DIR))).toEqual([])

    const summary = getDataset(t.project.db, result.datasetId)
    expect(summary.seed).toBe(7)
    expect(summary.skippedCount).toBe(8)
    const health = healthReport(t.project.db, result.datasetId).warnings.map((w) => w.key)
    expect(health).toEqual(expect.arrayContaining(['unreadable', 'ignoredFiles', 'tinyClass']))
  })

  it('does not duplicate a folder imported twice, and says so', async () => {
    const source = path.join(t.dir, 'photos')
    await makeImageFolder(source, { a: 3, b: 3 })
    const first = await importDataset(t.project, source)
    const before = dbCounts()
    const again = await importDataset(t.project, source)
    expect(again.duplicateOf).toBe(first.datasetId)
    expect(again.imported).toBe(0)
    expect(dbCounts()).toEqual(before)
    expect(listDatasets(t.project.db)).toHaveLength(1)
  })

  it('reports exact duplicates and the same image under two labels', async () => {
    const source = path.join(t.dir, 'photos')
    const same = await makeImage('png', { seed: 5 })
    await makeImageFolder(source, { a: 2, b: 2 })
    writeTree(source, { 'a/copy1.png': same, 'a/copy2.png': same, 'b/copy3.png': same })
    const result = await importDataset(t.project, source)
    const warnings = healthReport(t.project.db, result.datasetId).warnings
    expect(warnings.find((w) => w.key === 'duplicates')?.params.count).toBe(1)
    const conflict = warnings.find((w) => w.key === 'conflictingLabels')
    expect(conflict?.fix).toMatchObject({ kind: 'relabel-item', labels: ['a', 'b'] })
  })

  it('cancelling mid-import leaves the project exactly as before', async () => {
    const source = path.join(t.dir, 'photos')
    await makeImageFolder(source, { a: 30, b: 30 })
    const before = dbCounts()
    const controller = new AbortController()
    const run = importDataset(t.project, source, {}, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'reading' && p.done >= 5) controller.abort()
      }
    })
    await expect(run).rejects.toMatchObject({ code: 'IMPORT_CANCELLED' })
    expect(dbCounts()).toEqual(before)
    expect(fs.readdirSync(path.join(t.project.root, STAGING_DIR))).toEqual([])
  })

  it.each([
    ['an empty folder', {}],
    ['a folder of non-images', { 'a/x.txt': 'x', 'b/y.csv': 'a,b' }],
    ['a folder of corrupt images only', { 'a/x.jpg': 'broken', 'b/y.png': 'broken' }]
  ])('refuses %s with a clear error and changes nothing', async (_name, files) => {
    const source = path.join(t.dir, 'photos')
    fs.mkdirSync(source)
    writeTree(source, files)
    const before = dbCounts()
    const error = await importDataset(t.project, source).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StrataError)
    expect((error as StrataError).code).toBe('IMPORT_NO_IMAGES')
    expect(dbCounts()).toEqual(before)
  })

  it('pages items by class and split for the grid', async () => {
    const source = path.join(t.dir, 'photos')
    await makeImageFolder(source, { a: 20, b: 10 })
    const { datasetId } = await importDataset(t.project, source, { seed: 1 })
    const page = listItems(t.project.db, datasetId, { label: 'a', offset: 5, limit: 10 })
    expect(page.total).toBe(20)
    expect(page.items).toHaveLength(10)
    expect(page.items.every((i) => i.label === 'a')).toBe(true)
    const train = listItems(t.project.db, datasetId, { split: 'train', limit: 1000 })
    expect(train.total).toBe(24)
  })
})
