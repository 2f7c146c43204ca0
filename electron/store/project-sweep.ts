import fs from 'node:fs'
import path from 'node:path'
import type Database from 'better-sqlite3'
import { BLOBS_DIR, THUMBS_DIR } from './blobs'
import { STAGING_DIR } from './import-staging'

/** What a sweep removed. */
export interface SweepReport {
  staging: number
  blobs: number
  thumbs: number
}

/** Every blob project.db refers to: images' files, tables' files and the text their rows are read from. */
function referencedBlobs(db: Database.Database): Set<string> {
  const hashes = db
    .prepare(
      `SELECT hash FROM items WHERE hash IS NOT NULL
       UNION SELECT blob FROM table_state
       UNION SELECT json_extract(settings, '$.fileBlob') FROM datasets WHERE json_extract(settings, '$.fileBlob') IS NOT NULL`
    )
    .pluck()
    .all() as string[]
  return new Set(hashes)
}

/** Removes the files of `<root>/<dir>/<xx>/` whose name, less `suffix`, is not a referenced hash; returns how many. */
function sweepStore(root: string, dir: string, suffix: string, keep: ReadonlySet<string>): number {
  const base = path.join(root, dir)
  let removed = 0
  for (const shard of fs.readdirSync(base, { withFileTypes: true })) {
    if (!shard.isDirectory()) continue
    const folder = path.join(base, shard.name)
    for (const name of fs.readdirSync(folder)) {
      const hash = name.endsWith(suffix) ? name.slice(0, name.length - suffix.length) : null
      // Half-written files (`<hash>.<pid>.<rand>.tmp`) and files nothing refers to.
      if (hash !== null && keep.has(hash)) continue
      fs.rmSync(path.join(folder, name), { force: true })
      removed++
    }
  }
  return removed
}

/**
 * Clears what stopped work left in a project, when no import of it is running: the staging area (scratch
 * databases of imports, browser uploads not yet imported) and the blobs and thumbnails no dataset refers to (copied
 * by an import that was killed before it committed, or left by a removed dataset). Returns what it removed.
 */
export function sweepOrphans(project: { root: string; db: Database.Database }): SweepReport {
  const report: SweepReport = { staging: 0, blobs: 0, thumbs: 0 }
  const staging = path.join(project.root, STAGING_DIR)
  if (fs.existsSync(staging)) {
    for (const name of fs.readdirSync(staging)) {
      fs.rmSync(path.join(staging, name), { recursive: true, force: true })
      report.staging++
    }
  }
  const keep = referencedBlobs(project.db)
  if (fs.existsSync(path.join(project.root, BLOBS_DIR))) report.blobs = sweepStore(project.root, BLOBS_DIR, '', keep)
  if (fs.existsSync(path.join(project.root, THUMBS_DIR))) report.thumbs = sweepStore(project.root, THUMBS_DIR, '.webp', keep)
  return report
}
