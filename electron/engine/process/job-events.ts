// Browser-safe (no Node types): the GPU engine's Worker sends these events too (see tsconfig.engine-web.json).
import type { AppError } from '../../../common/errors'
import type { CheckpointKind, ExportFormat, ExportRecord, Metrics } from '../../../common/contract'
import type { Preprocessing } from '../../../common/data/preprocessing'

/** What a running job reports, in order: backend, preprocessing, progress/epochs/checkpoints, then done or failed. */
export type JobEvent =
  | { type: 'backend'; backend: string; reasons: Array<{ id: string; reason: string }> }
  | { type: 'preprocessing'; preprocessing: Preprocessing }
  | { type: 'progress'; epoch: number; epochs: number; batch: number; batches: number; step: number; loss: number; samplesPerSecond: number; etaSeconds: number }
  | { type: 'epoch'; epoch: number; metrics: Metrics; learningRate: number; seconds: number }
  | { type: 'checkpoint'; kind: CheckpointKind; epoch: number }
  | { type: 'warning'; key: string; params: Record<string, string | number> }
  | { type: 'done'; status: 'completed' | 'stopped'; earlyStopped: boolean; bestEpoch: number }
  | { type: 'failed'; error: AppError }
  | { type: 'export-progress'; format: ExportFormat; stage: 'writing' | 'verifying' | 'done'; index: number; total: number }
  | { type: 'export-done'; records: ExportRecord[] }
