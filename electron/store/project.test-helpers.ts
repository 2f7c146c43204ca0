import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import { createProject, type OpenProject } from './project-folder'
import { tempDir } from './data.test-helpers'

/** The running test's project and temp folder (see {@link useTempProject}). */
export interface TempProject {
  dir: string
  project: OpenProject
  /** Writes a file into the temp folder and returns its path. */
  write(name: string, content: string | Buffer): string
  /** How many rows each of some tables of project.db holds. */
  counts(tables: readonly string[]): number[]
}

/** Gives each test of the calling file a new project in a fresh temp folder, closed and removed after the test. */
export function useTempProject(): TempProject {
  const t = {
    write(name: string, content: string | Buffer): string {
      const file = path.join(t.dir, name)
      fs.writeFileSync(file, content)
      return file
    },
    counts(tables: readonly string[]): number[] {
      return tables.map((table) => (t.project.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n)
    }
  } as TempProject
  beforeEach(() => {
    t.dir = tempDir()
    t.project = createProject(path.join(t.dir, 'P'), 'P')
  })
  afterEach(() => {
    t.project.close()
    fs.rmSync(t.dir, { recursive: true, force: true })
  })
  return t
}
