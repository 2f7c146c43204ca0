import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type EmitEvent, type EventName, type ImportProgress, type ChannelName } from '../../common/contract'
import { runCli } from '../host/cli'
import { makeImageFolder, tempDir } from '../store/data.test-helpers'
import type { Services } from '.'
import { callChannel, testServices } from './services.test-helpers'
import { progressReporter } from './dataset-service'

let dir: string
let services: Services
let events: Array<{ event: EventName; payload: unknown }>

beforeEach(() => {
  dir = tempDir()
  events = []
  const emit: EmitEvent = (event, payload) => void events.push({ event, payload })
  services = testServices(dir, emit)
})
afterEach(() => {
  services.dispose()
  fs.rmSync(dir, { recursive: true, force: true })
})

// Replies differ per channel; each test asserts the shape it needs.
const call = (channel: ChannelName, payload: unknown): Promise<any> => callChannel(services, channel, payload)

describe('dataset service', () => {
  it('uploads a folder in batches, imports it with progress events, then serves items and thumbnails', async () => {
    await call('project:create', { name: 'Shapes' })
    const source = path.join(dir, 'shapes')
    await makeImageFolder(source, { circle: 4, square: 3 })
    const files = fs.readdirSync(source, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    for (const f of files) {
      const abs = path.join(f.parentPath, f.name)
      await call('dataset:upload', { uploadId: 'u1', files: [{ path: `shapes/${path.relative(source, abs)}`, base64: fs.readFileSync(abs).toString('base64') }] })
    }
    const result = await call('dataset:import', { uploadId: 'u1', importId: 'imp1', seed: 5 })
    expect(result.imported).toBe(7)
    const progress = events.filter((e) => e.event === 'dataset:import-progress').map((e) => e.payload as ImportProgress)
    expect(progress.at(-1)).toMatchObject({ importId: 'imp1', phase: 'done' })
    expect(events.some((e) => e.event === 'dataset:changed')).toBe(true)

    const [summary] = await call('dataset:list', {})
    expect(summary).toMatchObject({ name: 'shapes', source: 'upload: shapes', itemCount: 7, seed: 5 })
    const page = await call('dataset:items', { datasetId: result.datasetId, label: 'circle' })
    expect(page.total).toBe(4)
    const thumbs = await call('dataset:thumbnails', { datasetId: result.datasetId, itemIds: page.items.map((i: { id: number }) => i.id) })
    expect(thumbs[0].dataUrl).toMatch(/^data:image\/webp;base64,/)

    const resplit = await call('dataset:split', { datasetId: result.datasetId, ratios: { train: 0.5, validation: 0.25, test: 0.25 }, seed: 9 })
    expect(resplit.seed).toBe(9)
    expect(resplit.splits.train + resplit.splits.validation + resplit.splits.test).toBe(7)
    const relabelled = await call('dataset:update-item', { datasetId: result.datasetId, itemId: page.items[0].id, label: 'square' })
    expect(relabelled.classes).toEqual([
      { label: 'square', count: 4 },
      { label: 'circle', count: 3 }
    ])
  })

  it('refuses an upload path that climbs out of the upload folder', async () => {
    await call('project:create', { name: 'X' })
    await expect(call('dataset:upload', { uploadId: 'u', files: [{ path: '../escape.txt', base64: '' }] })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' })
  })

  it('cancels a running import by id and leaves no dataset', async () => {
    await call('project:create', { name: 'Big' })
    const source = path.join(dir, 'big')
    await makeImageFolder(source, { a: 40, b: 40 })
    const running = call('dataset:import', { path: source, importId: 'stop-me' })
    await new Promise((r) => setTimeout(r, 20))
    expect(await call('dataset:cancel-import', { importId: 'stop-me' })).toEqual({ cancelled: true })
    await expect(running).rejects.toMatchObject({ code: 'IMPORT_CANCELLED' })
    expect(await call('dataset:list', {})).toEqual([])
  })

  it('throttles progress to about ten events a second', () => {
    let now = 0
    const sent: ImportProgress[] = []
    const report = progressReporter('i', (p) => sent.push(p), () => now)
    for (let i = 1; i <= 1000; i++) {
      now = i // one tick per millisecond for one second
      report({ phase: 'reading', unit: 'files', done: i, total: 1000 })
    }
    expect(sent.length).toBeLessThanOrEqual(12)
    expect(sent.at(-1)).toMatchObject({ done: 1000, etaSeconds: 0 })
  })
})

describe('CLI', () => {
  it('imports with --json, lists datasets, and refuses a bad import with a JSON error', async () => {
    const out: string[] = []
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t) }
    const projectDir = path.join(dir, 'cli-project')
    expect(await runCli(['new', projectDir, '--json'], dir, io)).toBe(0)
    const source = path.join(dir, 'pics')
    await makeImageFolder(source, { ok: 3, ko: 3 })
    fs.writeFileSync(path.join(source, 'ok', 'broken.jpg'), 'nope')
    out.length = 0
    expect(await runCli(['import', projectDir, source, '--json', '--seed', '4'], dir, io)).toBe(0)
    const imported = JSON.parse(out[0])
    expect(imported).toMatchObject({ kind: 'images', imported: 6, skipped: [{ file: 'ok/broken.jpg' }], splits: { train: expect.any(Number) } })
    expect(imported.classes).toHaveLength(2)

    out.length = 0
    expect(await runCli(['datasets', projectDir, '--json'], dir, io)).toBe(0)
    expect(JSON.parse(out[0]).datasets).toHaveLength(1)

    out.length = 0
    const empty = path.join(dir, 'empty.csv')
    fs.writeFileSync(empty, '')
    expect(await runCli(['import', projectDir, empty, '--json'], dir, io)).toBe(1)
    expect(JSON.parse(out[0])).toMatchObject({ error: { code: 'IMPORT_EMPTY_FILE', message: expect.stringContaining('empty') } })

    out.length = 0
    expect(await runCli(['import', projectDir, source], dir, io)).toBe(0)
    expect(out.join('\n')).toContain('already imported')
  })
})
