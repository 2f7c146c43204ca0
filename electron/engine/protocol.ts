import type { AppError } from '../../common/errors'
import type { BackendReport } from '../../common/contract'

/** Requests the engine process answers; only JSON and typed arrays cross the process boundary. */
export type EngineRequest = { id: number; type: 'probe' }

/** What the engine process sends back. */
export type EngineReply =
  | { id: number; ok: true; value: BackendReport }
  | { id: number; ok: false; error: AppError }

/** A running engine process as its parent sees it, whichever way it was started (fork or utilityProcess). */
export interface EnginePort {
  postMessage(message: EngineRequest): void
  onMessage(listener: (message: EngineReply) => void): void
  onExit(listener: (code: number | null) => void): void
  kill(): void
}
