import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StrataError } from '../../common/errors'
import { LATEST_SCHEMA_VERSION } from './migrations'
import { PROJECT_DB_FILE, readSchemaVersion } from './project-db'
import { createProject, openProject, resolveInsideProject } from './project-folder'

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-store-'))
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return err instanceof StrataError ? err.code : `not a StrataError: ${String(err)}`
  }
  return undefined
}

describe('projects on disk', () => {
  it('creates <name>.strata with project.db (WAL, migrated), blobs/ and runs/', () => {
    const p = createProject(path.join(dir, 'Churn'), 'Churn')
    expect(p.root).toBe(path.join(dir, 'Churn.strata'))
    expect(fs.existsSync(path.join(p.root, 'blobs'))).toBe(true)
    expect(fs.existsSync(path.join(p.root, 'runs'))).toBe(true)
    expect(p.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(readSchemaVersion(p.db)).toBe(LATEST_SCHEMA_VERSION)
    p.close()

    const again = openProject(path.join(dir, 'Churn'))
    expect(again.name).toBe('Churn')
    expect(again.createdAt).toBe(p.createdAt)
    again.close()
  })

  it('refuses to create over an existing project', () => {
    createProject(path.join(dir, 'A'), 'A').close()
    expect(codeOf(() => createProject(path.join(dir, 'A.strata'), 'A'))).toBe('PROJECT_EXISTS')
  })

  it('says plainly when there is no project at a path', () => {
    expect(codeOf(() => openProject(path.join(dir, 'nothing-here')))).toBe('PROJECT_NOT_FOUND')
  })

  it('migrates a project made by an older schema', () => {
    const root = path.join(dir, 'Old.strata')
    fs.mkdirSync(root)
    // A version-0 project: a database with no migrations table at all.
    new Database(path.join(root, PROJECT_DB_FILE)).close()
    const p = openProject(root)
    expect(readSchemaVersion(p.db)).toBe(LATEST_SCHEMA_VERSION)
    expect(fs.existsSync(path.join(root, 'runs'))).toBe(true)
    p.close()
  })

  it('refuses a project from a newer Strata and leaves its file byte-for-byte unchanged', () => {
    const p = createProject(path.join(dir, 'Future'), 'Future')
    p.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(LATEST_SCHEMA_VERSION + 1, 'from-the-future', 'x')
    p.db.pragma('wal_checkpoint(TRUNCATE)')
    p.close()
    const file = path.join(p.root, PROJECT_DB_FILE)
    const before = fs.readFileSync(file)
    let err: unknown
    try {
      openProject(p.root)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(StrataError)
    expect((err as StrataError).code).toBe('PROJECT_TOO_NEW')
    expect((err as StrataError).message).toContain('newer version of Strata')
    expect(fs.readFileSync(file).equals(before)).toBe(true)
  })

  it('reports a damaged database as corrupt instead of crashing', () => {
    const root = path.join(dir, 'Broken.strata')
    fs.mkdirSync(root)
    fs.writeFileSync(path.join(root, PROJECT_DB_FILE), 'this is not a database, just text that got saved by mistake')
    expect(codeOf(() => openProject(root))).toBe('PROJECT_CORRUPT')
  })

  for (const [relative, allowed] of [
    ['blobs/ab/cdef', true],
    ['runs/1/../2/model.json', true],
    ['../elsewhere', false],
    ['/etc/passwd', false],
    ['blobs/../../x', false]
  ] as const) {
    it(`path=${relative}: ${allowed ? 'resolved inside the project' : 'refused'}`, () => {
      const root = path.join(dir, 'P.strata')
      if (allowed) expect(resolveInsideProject(root, relative).startsWith(root + path.sep)).toBe(true)
      else expect(codeOf(() => resolveInsideProject(root, relative))).toBe('PATH_OUTSIDE_PROJECT')
    })
  }
})
