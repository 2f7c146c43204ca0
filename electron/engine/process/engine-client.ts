import { fork } from 'node:child_process'
import type { BackendReport } from '../../../common/contract'
import { StrataError } from '../../../common/errors'
import type { EnginePort, EngineReply, EngineRequest } from './protocol'

type Pending = { resolve: (value: BackendReport) => void; reject: (err: Error) => void }

/** Talks to an engine process over its port; starts it lazily and restarts it after it dies. */
export class EngineClient {
  private port: EnginePort | null = null
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private cachedReport: BackendReport | null = null

  constructor(private readonly launch: () => EnginePort) {}

  private ensurePort(): EnginePort {
    if (this.port) return this.port
    const port = this.launch()
    port.onMessage((reply: EngineReply) => {
      if (!('ok' in reply)) return
      const waiting = this.pending.get(reply.id)
      if (!waiting) return
      this.pending.delete(reply.id)
      if (reply.ok) waiting.resolve(reply.value as BackendReport)
      else waiting.reject(new StrataError('ENGINE_UNAVAILABLE', { reason: reply.error.message }, reply.error.detail))
    })
    port.onExit((code) => {
      this.port = null
      for (const [, waiting] of this.pending) {
        waiting.reject(new StrataError('ENGINE_UNAVAILABLE', { reason: `the engine process stopped (exit code ${code ?? 'unknown'})` }))
      }
      this.pending.clear()
    })
    this.port = port
    return port
  }

  private request(body: { type: 'probe' }): Promise<BackendReport> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.ensurePort().postMessage({ ...body, id } as EngineRequest)
    })
  }

  /** The backend report, probed once per engine process unless a refresh is asked for. */
  async backends(refresh: boolean): Promise<BackendReport> {
    if (!this.cachedReport || refresh) this.cachedReport = await this.request({ type: 'probe' })
    return this.cachedReport
  }

  /** Stops the engine process. */
  dispose(): void {
    this.port?.kill()
    this.port = null
  }
}

/** Starts the engine process with `child_process.fork` (headless host and CLI). */
export function forkEngine(entry: string): EnginePort {
  const child = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' })
  return {
    postMessage: (message) => child.send(message),
    onMessage: (listener) => child.on('message', (m) => listener(m as EngineReply)),
    onExit: (listener) => child.on('exit', (code) => listener(code)),
    kill: () => child.kill(),
    pid: child.pid
  }
}
