import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import WebSocket from 'ws'
import type { AppError } from '../../common/errors'
import { socketProtocols } from '../../common/security'
import { REPO_ROOT } from '../services/services.test-helpers'

/** A contract client over a host's WebSocket, as the studio's page talks to it (for tests). */
export interface StudioClient {
  ws: WebSocket
  /** Calls a channel; resolves to its value or throws an Error carrying the coded error. */
  call<T = unknown>(channel: string, payload: unknown): Promise<T>
  /** Every event received so far, in order. */
  events: Array<{ event: string; payload: unknown }>
  /** Resolves with the first event (already received or still to come) that `match` accepts. */
  waitFor<T = unknown>(event: string, match?: (payload: T) => boolean, timeoutMs?: number): Promise<T>
  close(): void
}

/** Opens the WebSocket of a host on 127.0.0.1 with its token, as the page does. */
export function connectStudio(port: number, token: string): Promise<StudioClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, socketProtocols(token))
  const events: StudioClient['events'] = []
  const pending = new Map<number, (result: { ok: boolean; value?: unknown; error?: AppError }) => void>()
  const waiters = new Set<{ event: string; match: (p: unknown) => boolean; resolve: (p: unknown) => void; reject: (err: Error) => void }>()
  let nextId = 1
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: { ok: boolean }; event?: string; payload?: unknown }
    if (message.event) {
      events.push({ event: message.event, payload: message.payload })
      for (const w of waiters) if (w.event === message.event && w.match(message.payload)) (waiters.delete(w), w.resolve(message.payload))
    } else if (typeof message.id === 'number') {
      pending.get(message.id)?.(message.result as { ok: boolean })
      pending.delete(message.id)
    }
  })
  ws.on('close', () => {
    for (const w of waiters) w.reject(new Error(`the socket closed before a ${w.event} event`))
    waiters.clear()
    for (const settle of pending.values()) settle({ ok: false, error: { code: 'ENGINE_UNAVAILABLE', message: 'the socket closed' } })
    pending.clear()
  })
  const client: StudioClient = {
    ws,
    events,
    call: <T>(channel: string, payload: unknown) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++
        pending.set(id, (result) => (result.ok ? resolve(result.value as T) : reject(Object.assign(new Error(`${channel}: ${result.error?.code} ${result.error?.message}`), result.error))))
        ws.send(JSON.stringify({ id, channel, payload }))
      }),
    waitFor: <T>(event: string, match: (payload: T) => boolean = () => true, timeoutMs = 120_000) =>
      new Promise<T>((resolve, reject) => {
        const seen = events.find((e) => e.event === event && match(e.payload as T))
        if (seen) return resolve(seen.payload as T)
        const timer = setTimeout(() => reject(new Error(`no ${event} event within ${timeoutMs} ms`)), timeoutMs)
        waiters.add({ event, match: (p) => match(p as T), resolve: (p) => (clearTimeout(timer), resolve(p as T)), reject: (err) => (clearTimeout(timer), reject(err)) })
      }),
    close: () => ws.close()
  }
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`the host refused the socket: ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

/** A `strata serve` process started from the built CLI, as a user starts it. */
export interface ServedStudio {
  process: ChildProcess
  port: number
  token: string
  /** What it wrote on stderr so far. */
  stderr: () => string
  stop(): Promise<void>
}

/** Starts the built `strata serve --port 0 --json` with STRATA_HOME=home; `nodeArgs` go to Node before the CLI. */
export async function serveBuiltStudio(home: string, opts: { nodeArgs?: string[]; args?: string[] } = {}): Promise<ServedStudio> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), path.join(REPO_ROOT, 'bin', 'strata.js'), 'serve', '--port', '0', '--json', ...(opts.args ?? [])], {
    env: { ...process.env, STRATA_HOME: home, LANG: 'en_US.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve)
    child.once('exit', (code) => reject(new Error(`strata serve exited with code ${code}: ${stderr}`)))
  })
  const started = JSON.parse(first) as { port: number; token: string } | { error: { code: string; message: string } }
  if ('error' in started) throw Object.assign(new Error(started.error.message), started.error)
  const { port, token } = started
  return {
    process: child,
    port,
    token,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
}
