import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChannelName } from '../../common/contract'
import { createProject } from '../store/project-folder'
import { makeImageFolder, tempDir } from '../store/data.test-helpers'
import { isInside, PathAccess, realPathDeep } from './path-access'
import type { Services } from './index'
import { callChannel, testServices } from './services.test-helpers'

let dir: string
let outside: string
let allowed: string
let services: Services
let picks: string[]

const call = <T = unknown>(channel: ChannelName, payload: unknown): Promise<T> => callChannel<T>(services, channel, payload)
const codeOf = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'ok', (err: { code?: string }) => err.code ?? String(err))

beforeEach(async () => {
  dir = tempDir('strata-paths-')
  outside = path.join(dir, 'elsewhere')
  allowed = path.join(dir, 'allowed')
  fs.mkdirSync(outside, { recursive: true })
  fs.mkdirSync(allowed, { recursive: true })
  fs.writeFileSync(path.join(outside, 'secret.csv'), 'name,secret\nalice,1\nbob,2\n')
  fs.writeFileSync(path.join(allowed, 'table.csv'), 'x,label\n1,a\n2,b\n3,a\n4,b\n')
  picks = []
  // The studio's page as the headless host serves it: paths only from chosen places, one folder given with --allow-dir,
  // and a stand-in for the desktop's native dialog that "picks" what the test queued.
  services = testServices(dir, () => undefined, { pathPolicy: 'chosen', allowDirs: [allowed], pickPath: async () => picks.shift() ?? null })
  await call('project:create', { name: 'Mine' })
})

afterEach(() => {
  services.dispose()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('paths a client names', () => {
  it('dataset:import of /etc/passwd is refused, so dataset:items never shows it', async () => {
    expect(await codeOf(call('dataset:import', { path: '/etc/passwd', kind: 'table' }))).toBe('PATH_NOT_ALLOWED')
    expect(await call('dataset:list', {})).toEqual([])
  })

  it('an image folder outside the allowed places is refused, so dataset:thumbnails never shows its pixels', async () => {
    await makeImageFolder(path.join(outside, 'photos'), { a: 2, b: 2 })
    expect(await codeOf(call('dataset:import', { path: path.join(outside, 'photos') }))).toBe('PATH_NOT_ALLOWED')
    expect(await call('dataset:list', {})).toEqual([])
  })

  it('project:create with a parentDir outside the projects folder (../) is refused and creates nothing', async () => {
    const projects = path.join(dir, 'projects')
    expect(await codeOf(call('project:create', { name: 'Escape', parentDir: path.join(projects, '..', 'elsewhere') }))).toBe('PATH_NOT_ALLOWED')
    expect(await codeOf(call('project:create', { name: 'Escape', parentDir: '/tmp' }))).toBe('PATH_NOT_ALLOWED')
    expect(fs.existsSync(path.join(outside, 'Escape.strata'))).toBe(false)
    expect(await call('project:create', { name: 'Inside', parentDir: path.join(projects, 'team') })).toMatchObject({ name: 'Inside' })
  })

  it('project:open of a project outside the allowed places is refused, and says nothing about what is there', async () => {
    createProject(path.join(outside, 'Theirs'), 'Theirs').close()
    for (const target of [path.join(outside, 'Theirs'), path.join(outside, 'Theirs.strata'), path.join(outside, 'nothing'), '/etc']) {
      expect(await codeOf(call('project:open', { path: target })), target).toBe('PATH_NOT_ALLOWED')
    }
  })

  it('model:import-base of a folder outside the allowed places is refused', async () => {
    const shipped = path.resolve(__dirname, '..', '..', 'resources', 'samples', 'shapes-base')
    expect(await codeOf(call('model:import-base', { path: shipped }))).toBe('PATH_NOT_ALLOWED')
    expect(await codeOf(call('model:import-base', { path: '/etc' }))).toBe('PATH_NOT_ALLOWED')
    expect(await call('model:bases', {})).toEqual([])
  })

  it('links are followed before the check: a link in the projects folder to a file or folder outside is refused', async () => {
    const projects = path.join(dir, 'projects')
    fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(projects, 'innocent.csv'))
    fs.symlinkSync(outside, path.join(projects, 'innocent-folder'))
    expect(await codeOf(call('dataset:import', { path: path.join(projects, 'innocent.csv') }))).toBe('PATH_NOT_ALLOWED')
    expect(await codeOf(call('dataset:import', { path: path.join(projects, 'innocent-folder', 'secret.csv') }))).toBe('PATH_NOT_ALLOWED')
    expect(await codeOf(call('project:create', { name: 'Via', parentDir: path.join(projects, 'innocent-folder') }))).toBe('PATH_NOT_ALLOWED')
  })

  it('the refusal says how to allow a folder', async () => {
    const err = await call('dataset:import', { path: path.join(outside, 'secret.csv') }).catch((e: { message: string }) => e)
    expect((err as { message: string }).message).toContain('--allow-dir')
  })

  it('allowed: the projects folder, an --allow-dir folder, and uploads', async () => {
    const projects = path.join(dir, 'projects')
    fs.writeFileSync(path.join(projects, 'here.csv'), 'x,label\n1,a\n2,b\n3,b\n4,a\n5,a\n')
    expect(await call('dataset:import', { path: path.join(projects, 'here.csv') })).toMatchObject({ kind: 'table', imported: 5 })
    expect(await call('dataset:import', { path: path.join(allowed, 'table.csv') })).toMatchObject({ kind: 'table', imported: 4 })
    const csv = fs.readFileSync(path.join(outside, 'secret.csv')).toString('base64')
    await call('dataset:upload', { uploadId: 'up1', files: [{ path: 'mine.csv', base64: csv }] })
    expect(await call('dataset:import', { uploadId: 'up1' })).toMatchObject({ kind: 'table', imported: 2 })
  })

  it('what the user picks in a native dialog is allowed from then on, and nothing else', async () => {
    expect(await codeOf(call('dataset:import', { path: path.join(outside, 'secret.csv') }))).toBe('PATH_NOT_ALLOWED')
    picks.push(outside)
    expect(await call('dataset:pick-source', { folder: true })).toEqual({ path: outside })
    expect(await call('dataset:import', { path: path.join(outside, 'secret.csv') })).toMatchObject({ imported: 2 })
    expect(await codeOf(call('dataset:import', { path: '/etc/passwd' }))).toBe('PATH_NOT_ALLOWED')
  })

  it('a project chosen in the desktop dialog opens, and later opens again from the recent list', async () => {
    createProject(path.join(outside, 'Theirs'), 'Theirs').close()
    picks.push(path.join(outside, 'Theirs.strata'))
    const { path: picked } = await call<{ path: string }>('project:pick', {})
    expect(await call('project:open', { path: picked })).toMatchObject({ name: 'Theirs' })
    services.dispose()
    // A new session (the app restarted): no dialog picks, but the recent list remembers what the user opened.
    services = testServices(dir, () => undefined, { pathPolicy: 'chosen' })
    expect(await call('project:open', { path: picked })).toMatchObject({ name: 'Theirs' })
    expect(await codeOf(call('project:open', { path: path.join(outside, 'Other') }))).toBe('PATH_NOT_ALLOWED')
  })
})

describe('PathAccess', () => {
  it('resolves links and missing tails; compares whole path segments', () => {
    const root = tempDir('strata-access-')
    try {
      fs.mkdirSync(path.join(root, 'a'))
      fs.symlinkSync(path.join(root, 'a'), path.join(root, 'link'))
      expect(realPathDeep(path.join(root, 'link', 'new', 'file.csv'))).toBe(path.join(fs.realpathSync(root), 'a', 'new', 'file.csv'))
      expect(isInside('/data/projects-old/x', '/data/projects')).toBe(false)
      expect(isInside('/data/projects/x', '/data/projects')).toBe(true)
      expect(isInside('/data/projects', '/data/projects')).toBe(true)
      const access = new PathAccess({ policy: 'chosen', projectsDir: path.join(root, 'a') })
      expect(access.resolve(path.join(root, 'link', 'x.csv'))).toBe(path.join(fs.realpathSync(root), 'a', 'x.csv'))
      expect(() => access.resolve(`${path.join(root, 'a')}-old/x.csv`)).toThrow(/allow-dir/)
      expect(new PathAccess({ policy: 'any', projectsDir: root }).resolve('/etc/passwd')).toBe('/etc/passwd')
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  })
})
