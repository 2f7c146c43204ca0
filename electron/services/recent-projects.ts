import fs from 'node:fs'
import path from 'node:path'
import type { RecentProject } from '../../common/contract'

const RECENT_FILE = 'recent-projects.json'
const MAX_RECENT = 20

interface StoredRecent {
  name: string
  path: string
  openedAt: string
}

/** The list of recently opened projects, kept as a small JSON file in Strata's data folder. */
export class RecentProjects {
  private readonly file: string

  constructor(dataDir: string) {
    this.file = path.join(dataDir, RECENT_FILE)
  }

  private read(): StoredRecent[] {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(this.file, 'utf8'))
      return Array.isArray(parsed) ? (parsed as StoredRecent[]).filter((r) => typeof r?.path === 'string') : []
    } catch {
      // A missing or damaged list only costs the user their shortcuts, never a project.
      return []
    }
  }

  /** Recent projects, newest first, each marked with whether its folder still exists. */
  list(): RecentProject[] {
    return this.read().map((r) => ({ ...r, exists: fs.existsSync(r.path) }))
  }

  /** Moves a project to the top of the list. */
  touch(entry: { name: string; path: string }): void {
    const rest = this.read().filter((r) => r.path !== entry.path)
    const next = [{ ...entry, openedAt: new Date().toISOString() }, ...rest].slice(0, MAX_RECENT)
    fs.mkdirSync(path.dirname(this.file), { recursive: true })
    // Write then rename, so a crash mid-write never leaves a half file.
    const tmp = `${this.file}.${process.pid}.tmp`
    fs.writeFileSync(tmp, JSON.stringify(next, null, 2))
    fs.renameSync(tmp, this.file)
  }
}
