import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createProject, openProject } from './project-folder'
import { acquireProjectLock, LOCK_FILE, projectLockSettings } from './project-lock'
import { tempDir } from './data.test-helpers'

let dir: string
let root: string
const children: ChildProcess[] = []

beforeEach(() => {
  dir = tempDir('strata-lock-')
  const created = createProject(path.join(dir, 'Shared'), 'Shared')
  root = created.root
  created.close()
})

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL')
  fs.rmSync(dir, { recursive: true, force: true })
})

const lockFile = () => path.join(root, LOCK_FILE)
const codeOf = (fn: () => unknown): string => {
  try {
    fn()
    return 'ok'
  } catch (err) {
    return (err as { code?: string }).code ?? String(err)
  }
}

/** A live process on this computer that is not this one. */
async function otherProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
  children.push(child)
  await new Promise((resolve) => child.once('spawn', resolve))
  return child
}

function writeLock(record: { pid: number; host?: string; heartbeat?: string; since?: string }): void {
  const now = new Date().toISOString()
  fs.writeFileSync(lockFile(), JSON.stringify({ host: os.hostname(), since: now, heartbeat: now, nonce: 'theirs', ...record }))
}

describe('the project lock', () => {
  it('.lock names this process (pid, host, since, heartbeat) while the project is open, and goes when it closes', () => {
    const project = openProject(root)
    const lock = JSON.parse(fs.readFileSync(lockFile(), 'utf8'))
    expect(lock).toMatchObject({ pid: process.pid, host: os.hostname() })
    expect(Date.parse(lock.since)).toBeGreaterThan(Date.now() - 60_000)
    expect(Date.parse(lock.heartbeat)).toBeGreaterThanOrEqual(Date.parse(lock.since))
    project.close()
    expect(fs.existsSync(lockFile())).toBe(false)
  })

  it('openers in one process share the lock; the last to close removes it', () => {
    const a = openProject(root)
    const b = openProject(root)
    a.close()
    expect(fs.existsSync(lockFile())).toBe(true)
    b.close()
    expect(fs.existsSync(lockFile())).toBe(false)
  })

  it('a project open in another live process is refused, saying since when and where', async () => {
    const other = await otherProcess()
    writeLock({ pid: other.pid!, since: '2025-03-04T05:06:00.000Z' })
    let message = ''
    try {
      openProject(root)
    } catch (err) {
      message = (err as Error).message
      expect(err).toMatchObject({ code: 'PROJECT_LOCKED' })
    }
    expect(message).toContain('open in another Strata window since 2025-03-04 05:06 UTC')
    expect(message).toContain(`process ${other.pid} on ${os.hostname()}`)
    expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).nonce).toBe('theirs')
  })

  it('a lock left by a process that died is taken over', async () => {
    const dead = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    await new Promise((resolve) => dead.once('exit', resolve))
    writeLock({ pid: dead.pid! })
    const project = openProject(root)
    expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).pid).toBe(process.pid)
    project.close()
  })

  it('a lock from another computer is refused while its heartbeat is fresh, and taken over once it is old', () => {
    writeLock({ pid: 1, host: 'laptop-elsewhere' })
    expect(codeOf(() => openProject(root))).toBe('PROJECT_LOCKED')
    writeLock({ pid: 1, host: 'laptop-elsewhere', heartbeat: new Date(Date.now() - projectLockSettings.staleMs - 1000).toISOString() })
    const project = openProject(root)
    expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).host).toBe(os.hostname())
    project.close()
  })

  it('an unreadable lock is respected while young (a holder may be writing it) and taken over once old', () => {
    fs.writeFileSync(lockFile(), '')
    expect(codeOf(() => openProject(root))).toBe('PROJECT_LOCKED')
    const old = new Date(Date.now() - projectLockSettings.staleMs - 1000)
    fs.utimesSync(lockFile(), old, old)
    openProject(root).close()
  })

  it('the holder refreshes its heartbeat, and never refreshes or removes a lock taken over from it', async () => {
    const saved = { ...projectLockSettings }
    projectLockSettings.heartbeatMs = 50
    try {
      const release = acquireProjectLock(root)
      const first = JSON.parse(fs.readFileSync(lockFile(), 'utf8')).heartbeat
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(Date.parse(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).heartbeat)).toBeGreaterThan(Date.parse(first))
      writeLock({ pid: process.pid + 1, host: 'taken-over-by' })
      await new Promise((resolve) => setTimeout(resolve, 200))
      release()
      expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).host).toBe('taken-over-by')
    } finally {
      Object.assign(projectLockSettings, saved)
    }
  })

  it('a CLI process holds the lock while it works: opening from here meanwhile is refused', async () => {
    const holder = spawn(process.execPath, ['-e', `
      const fs = require('node:fs'), os = require('node:os'), path = require('node:path')
      const now = new Date().toISOString()
      fs.writeFileSync(path.join(${JSON.stringify(root)}, '.lock'), JSON.stringify({ pid: process.pid, host: os.hostname(), since: now, heartbeat: now, nonce: 'cli' }), { flag: 'wx' })
      console.log('held'); setInterval(() => {}, 1000)`], { stdio: ['ignore', 'pipe', 'inherit'] })
    children.push(holder)
    await new Promise((resolve) => holder.stdout!.once('data', resolve))
    expect(codeOf(() => openProject(root))).toBe('PROJECT_LOCKED')
    holder.kill('SIGKILL')
    await new Promise((resolve) => holder.once('exit', resolve))
    openProject(root).close()
  })
})
