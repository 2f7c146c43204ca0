import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { StrataError } from '../../common/errors'

/** File in a project folder that says which process has the project open. */
export const LOCK_FILE = '.lock'

/**
 * How often a holder rewrites its heartbeat, and how old a heartbeat may be before the lock counts as abandoned
 * (its process died on another computer, or hung). Tests shorten them.
 */
export const projectLockSettings = { heartbeatMs: 10_000, staleMs: 60_000 }

/** What `.lock` holds. */
interface LockRecord {
  pid: number
  host: string
  /** When the holder opened the project (ISO time). */
  since: string
  /** When the holder last said it is alive (ISO time). */
  heartbeat: string
  /** Names this holding, so a holder never removes or refreshes a lock that is no longer its own. */
  nonce: string
}

interface Held {
  file: string
  record: LockRecord
  count: number
  timer: NodeJS.Timeout
}

/** Locks this process holds, by real project folder; several openers in one process share one lock. */
const held = new Map<string, Held>()
let exitHookInstalled = false

function readRecord(file: string): LockRecord | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockRecord>
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.heartbeat === 'string' && typeof parsed.nonce === 'string'
      ? { since: parsed.heartbeat, ...parsed } as LockRecord
      : null
  } catch {
    return null
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** True when a lock's holder is gone: a dead process on this computer, or a heartbeat older than staleMs. */
function abandoned(file: string, record: LockRecord | null): boolean {
  const now = Date.now()
  if (!record) {
    // Unreadable: a holder may be writing it this very moment; only an old file counts as abandoned.
    const stat = fs.statSync(file, { throwIfNoEntry: false })
    return !stat || now - stat.mtimeMs > projectLockSettings.staleMs
  }
  if (record.host === os.hostname() && (record.pid === process.pid || !processAlive(record.pid))) return true
  const beat = Date.parse(record.heartbeat)
  return !Number.isFinite(beat) || now - beat > projectLockSettings.staleMs
}

function lockedBy(record: LockRecord | null): StrataError {
  const since = record ? new Date(record.since) : null
  const when = since && Number.isFinite(since.getTime()) ? `${since.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '?'
  return new StrataError('PROJECT_LOCKED', { since: when, host: record?.host ?? '?', pid: record?.pid ?? '?' })
}

function writeRecord(file: string, record: LockRecord): void {
  // Written beside and renamed over, so a reader never sees half a heartbeat.
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, JSON.stringify(record))
  fs.renameSync(tmp, file)
}

function beat(key: string): void {
  const mine = held.get(key)
  if (!mine) return
  try {
    if (readRecord(mine.file)?.nonce !== mine.record.nonce) {
      // Taken over as abandoned (this process was stopped for longer than staleMs): it is not ours to refresh.
      clearInterval(mine.timer)
      return
    }
    mine.record.heartbeat = new Date().toISOString()
    writeRecord(mine.file, mine.record)
  } catch {
    // The folder went away or is read-only for a moment: the next beat tries again.
  }
}

function removeIfMine(file: string, nonce: string): void {
  try {
    if (readRecord(file)?.nonce === nonce) fs.rmSync(file, { force: true })
  } catch {
    // Already gone.
  }
}

function release(key: string): void {
  const mine = held.get(key)
  if (!mine || --mine.count > 0) return
  held.delete(key)
  clearInterval(mine.timer)
  removeIfMine(mine.file, mine.record.nonce)
}

/** Takes `.lock` with O_EXCL; an abandoned one is moved aside under a name of this process's own, then taken. */
function take(file: string, record: LockRecord): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(record), { flag: 'wx' })
      return
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const found = readRecord(file)
    if (!abandoned(file, found)) throw lockedBy(found)
    const aside = `${file}.abandoned-${process.pid}-${crypto.randomBytes(4).toString('hex')}`
    try {
      fs.renameSync(file, aside)
    } catch {
      // Someone else moved it first: try again.
      continue
    }
    const moved = readRecord(aside)
    if (found && moved && moved.nonce !== found.nonce) {
      // Between the read and the move another process took the lock afresh: give it back and refuse.
      try {
        fs.linkSync(aside, file)
      } catch {
        // A third process holds it by now.
      }
      fs.rmSync(aside, { force: true })
      throw lockedBy(moved)
    }
    fs.rmSync(aside, { force: true })
  }
  throw lockedBy(readRecord(file))
}

/**
 * Takes the lock of a project folder for this process: `.lock` (pid, host, since, heartbeat), created atomically,
 * refreshed every heartbeatMs. A lock left by a process that died (or whose heartbeat stopped) is taken over; a live
 * one is refused with PROJECT_LOCKED, which says since when and where. Openers in one process share the lock;
 * each calls the returned function once when done, and the last one removes the file.
 */
export function acquireProjectLock(root: string): () => void {
  const key = fs.realpathSync.native(root)
  let released = false
  const releaseOnce = (): void => {
    if (released) return
    released = true
    release(key)
  }
  const mine = held.get(key)
  if (mine) {
    mine.count++
    return releaseOnce
  }
  const file = path.join(key, LOCK_FILE)
  const now = new Date().toISOString()
  const record: LockRecord = { pid: process.pid, host: os.hostname(), since: now, heartbeat: now, nonce: crypto.randomBytes(12).toString('hex') }
  take(file, record)
  const timer = setInterval(() => beat(key), projectLockSettings.heartbeatMs)
  // The heartbeat never keeps a process alive by itself.
  timer.unref()
  held.set(key, { file, record, count: 1, timer })
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.once('exit', () => {
      for (const h of held.values()) removeIfMine(h.file, h.record.nonce)
    })
  }
  return releaseOnce
}
