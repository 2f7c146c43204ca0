import type { CrossValidationProgress } from '../../../common/contract'
import { StrataError } from '../../../common/errors'
import type { EnginePort, EngineRequest, EngineResult } from './protocol'

type RequestBody = EngineRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never

interface Pending {
  resolve: (value: unknown) => void
  reject: (err: Error) => void
  onProgress?: (p: CrossValidationProgress) => void
}

/** Requests to one engine process, matched to their replies by id; every pending request fails if the process dies. */
export class EngineSession {
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private exited = false

  constructor(
    private readonly port: EnginePort,
    onExit?: () => void
  ) {
    port.onMessage((reply) => {
      if (!('id' in reply)) return
      const waiting = this.pending.get(reply.id)
      if (!waiting) return
      if ('progress' in reply) {
        waiting.onProgress?.(reply.progress)
        return
      }
      this.pending.delete(reply.id)
      if (reply.ok) waiting.resolve(reply.value)
      else waiting.reject(new StrataError(reply.error.code, reply.error.params ?? {}, reply.error.detail))
    })
    port.onExit((code) => {
      this.exited = true
      for (const waiting of this.pending.values()) {
        waiting.reject(new StrataError('ENGINE_UNAVAILABLE', { reason: `the engine process stopped (exit code ${code ?? 'unknown'})` }))
      }
      this.pending.clear()
      onExit?.()
    })
  }

  /** True while no request is waiting for its answer. */
  get idle(): boolean {
    return this.pending.size === 0
  }

  /** Sends a request and resolves to the engine's answer (typed by the caller, who knows what it asked). */
  request<T extends EngineResult>(body: RequestBody, onProgress?: (p: CrossValidationProgress) => void): Promise<T> {
    if (this.exited) return Promise.reject(new StrataError('ENGINE_UNAVAILABLE', { reason: 'the engine process has stopped' }))
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => resolve(v as T), reject, onProgress })
      this.port.postMessage({ ...body, id } as EngineRequest)
    })
  }

  /** Ends the engine process. */
  kill(): void {
    this.port.kill()
  }
}
