import fs from 'node:fs'
import path from 'node:path'
import type Database from 'better-sqlite3'
import { StrataError } from '../../common/errors'
import { TrainConfig, type ProjectSummary } from '../../common/contract'
import { makeFolders } from './folders'
import { PROJECT_DB_FILE, openProjectDb, readSchemaVersion } from './project-db'
import { RUNS_FOLDER } from './run-folder'
import { acquireProjectLock } from './project-lock'

/** Suffix of a project folder: `My Project.strata`. */
export const PROJECT_SUFFIX = '.strata'

/** Sub-folders of every project: content-addressed imported files, and training runs. */
export const PROJECT_SUBDIRS = ['blobs', RUNS_FOLDER] as const

/** An open project: its folder, its database and its name, held by this process until {@link OpenProject.close}. */
export interface OpenProject {
  root: string
  db: Database.Database
  name: string
  createdAt: string
  /** Closes the database and lets go of the project's lock. */
  close(): void
}

/** Runs `open` holding the project's lock; the lock goes with the returned project, or at once if opening fails. */
function withLock(root: string, open: () => Omit<OpenProject, 'close'>): OpenProject {
  const release = acquireProjectLock(root)
  try {
    const project = open()
    return {
      ...project,
      close: () => {
        if (project.db.open) project.db.close()
        release()
      }
    }
  } catch (err) {
    release()
    throw err
  }
}

/** The folder a project lives in, given what the user typed: `x` and `x.strata` both mean `x.strata`. */
export function projectFolderFor(target: string): string {
  const abs = path.resolve(target)
  return abs.endsWith(PROJECT_SUFFIX) ? abs : abs + PROJECT_SUFFIX
}

/** Finds the project folder a user meant: the path itself if it holds a project, else `<path>.strata`. */
export function locateProject(target: string): string {
  const abs = path.resolve(target)
  for (const candidate of [abs, projectFolderFor(abs)]) {
    if (fs.existsSync(path.join(candidate, PROJECT_DB_FILE))) return candidate
  }
  throw new StrataError('PROJECT_NOT_FOUND', { path: abs })
}

function readMeta(db: Database.Database, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined
  return row?.value
}

/** Creates a new project folder with its database and sub-folders; refuses to overwrite anything. */
export function createProject(folder: string, name: string): OpenProject {
  const root = projectFolderFor(folder)
  if (fs.existsSync(root) && fs.readdirSync(root).length > 0) {
    throw new StrataError('PROJECT_EXISTS', { path: root })
  }
  makeFolders(root)
  return withLock(root, () => {
    for (const sub of PROJECT_SUBDIRS) fs.mkdirSync(path.join(root, sub), { recursive: true })
    const db = openProjectDb(path.join(root, PROJECT_DB_FILE), { create: true })
    const createdAt = new Date().toISOString()
    const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)')
    db.transaction(() => {
      put.run('name', name)
      put.run('created_at', createdAt)
    })()
    return { root, db, name, createdAt }
  })
}

/**
 * Opens an existing project, migrating an older one and refusing a newer one. The project's lock is taken first,
 * so a project open in another process (another Strata window, a CLI command) is refused with PROJECT_LOCKED
 * before anything in it is read or changed.
 */
export function openProject(target: string): OpenProject {
  const root = locateProject(target)
  return withLock(root, () => {
    const db = openProjectDb(path.join(root, PROJECT_DB_FILE))
    try {
      for (const sub of PROJECT_SUBDIRS) fs.mkdirSync(path.join(root, sub), { recursive: true })
      const name = readMeta(db, 'name') ?? path.basename(root, PROJECT_SUFFIX)
      const createdAt = readMeta(db, 'created_at') ?? new Date(fs.statSync(root).birthtimeMs).toISOString()
      return { root, db, name, createdAt }
    } catch (err) {
      db.close()
      throw err
    }
  })
}

/** Resolves a path the renderer sent against the project root and refuses anything that escapes it. */
export function resolveInsideProject(root: string, relative: string): string {
  const resolved = path.resolve(root, relative)
  const rel = path.relative(root, resolved)
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new StrataError('PATH_OUTSIDE_PROJECT', { path: relative })
  }
  return resolved
}

/** What the studio shows about an open project. */
export function projectSummary(p: OpenProject): ProjectSummary {
  const defaults = readMeta(p.db, 'training_defaults')
  return {
    name: p.name,
    path: p.root,
    schemaVersion: readSchemaVersion(p.db),
    createdAt: p.createdAt,
    trainingDefaults: defaults ? TrainConfig.parse(JSON.parse(defaults)) : null
  }
}

/** Saves the training settings a project recommends (sample projects ship theirs). */
export function setTrainingDefaults(db: Database.Database, config: TrainConfig): void {
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('training_defaults', JSON.stringify(config))
}
