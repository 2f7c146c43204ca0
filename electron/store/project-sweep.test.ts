import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Services } from '../services'
import { callChannel, testServices } from '../services/services.test-helpers'
import { requireBuiltCli } from '../host/cli.test-helpers'
import { BLOBS_DIR, THUMBS_DIR } from './blobs'
import { STAGING_DIR } from './import-staging'
import { makeImageFolder, tempDir } from './data.test-helpers'

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'strata.js')
let dir: string
let services: Services | null = null

beforeAll(() => requireBuiltCli())
beforeEach(() => {
  dir = tempDir('strata-sweep-')
})
afterEach(() => {
  services?.dispose()
  services = null
  fs.rmSync(dir, { recursive: true, force: true })
})

/** Every file under a folder of the project (none when the folder is missing). */
function filesUnder(root: string, sub: string): string[] {
  const base = path.join(root, sub)
  if (!fs.existsSync(base)) return []
  return (fs.readdirSync(base, { recursive: true, withFileTypes: true }) as fs.Dirent[]).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name))
}

async function until(predicate: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now()
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('opening a project sweeps what a killed import left', () => {
  it('an import killed midway leaves no blobs, thumbnails or staging files once the project is opened again; kept data stays', async () => {
    const env = { ...process.env, STRATA_HOME: dir, LANG: 'en_US.UTF-8' }
    const project = path.join(dir, 'Photos.strata')
    await new Promise((resolve) => spawn(process.execPath, [BIN, 'new', path.join(dir, 'Photos')], { env, stdio: 'ignore' }).once('exit', resolve))
    // A dataset that must survive the sweep whole.
    await makeImageFolder(path.join(dir, 'kept'), { cats: 3, dogs: 3 })
    await new Promise((resolve) => spawn(process.execPath, [BIN, 'import', project, path.join(dir, 'kept')], { env, stdio: 'ignore' }).once('exit', resolve))
    const keptBlobs = filesUnder(project, BLOBS_DIR).sort()
    expect(keptBlobs).toHaveLength(6)

    // A big import, killed (as a crash or a closed terminal would) once it has copied some files.
    await makeImageFolder(path.join(dir, 'big'), { a: 300, b: 300 })
    const importing = spawn(process.execPath, [BIN, 'import', project, path.join(dir, 'big')], { env, stdio: 'ignore' })
    await until(() => filesUnder(project, BLOBS_DIR).length > keptBlobs.length + 30 && filesUnder(project, STAGING_DIR).length > 0)
    importing.kill('SIGKILL')
    await new Promise((resolve) => importing.once('exit', resolve))
    expect(filesUnder(project, BLOBS_DIR).length).toBeGreaterThan(keptBlobs.length)
    // And a browser upload that was never imported.
    fs.mkdirSync(path.join(project, STAGING_DIR, 'uploads', 'u1', 'photos'), { recursive: true })
    fs.writeFileSync(path.join(project, STAGING_DIR, 'uploads', 'u1', 'photos', 'cat.jpg'), 'x')

    services = testServices(dir, () => undefined)
    await callChannel(services, 'project:open', { path: project })
    expect(filesUnder(project, BLOBS_DIR).sort()).toEqual(keptBlobs)
    expect(filesUnder(project, THUMBS_DIR)).toHaveLength(6)
    expect(filesUnder(project, STAGING_DIR)).toEqual([])
    const [dataset, ...others] = await callChannel<Array<{ id: string; itemCount: number }>>(services, 'dataset:list', {})
    expect(others).toEqual([])
    expect(dataset.itemCount).toBe(6)
    const page = await callChannel<{ items: Array<{ id: number }> }>(services, 'dataset:items', { datasetId: dataset.id })
    const thumbs = await callChannel<Array<{ dataUrl: string | null }>>(services, 'dataset:thumbnails', { datasetId: dataset.id, itemIds: page.items.map((i) => i.id) })
    expect(thumbs.every((t) => t.dataUrl !== null)).toBe(true)
  }, 120_000)
})
