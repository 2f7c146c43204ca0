import { z } from 'zod'
import { translate } from './i18n'

/** Every error code Strata can return; each has a plain-language message under `errors.<code>` in the message table. */
export const ERROR_CODES = [
  'UNKNOWN_CHANNEL',
  'INVALID_PAYLOAD',
  'INTERNAL',
  'NOT_FOUND',
  'PROJECT_EXISTS',
  'PROJECT_NOT_FOUND',
  'PROJECT_TOO_NEW',
  'PROJECT_CORRUPT',
  'NO_PROJECT_OPEN',
  'INVALID_NAME',
  'PATH_OUTSIDE_PROJECT',
  'ENGINE_UNAVAILABLE',
  'BAD_ARGUMENTS',
  // training
  'TRAINING_DIVERGED',
  'RUN_NOT_RESUMABLE',
  'RUN_BUSY',
  'DATA_MODEL_MISMATCH',
  'DATA_TOO_LARGE',
  'MODEL_TASK_MISMATCH',
  // GPU engine: each makes the run go on in the CPU engine
  'GPU_UNAVAILABLE',
  'GPU_LOST',
  // evaluation
  'RUN_NOT_TRAINED',
  'TOO_FEW_ITEMS',
  'PREDICT_UNKNOWN_COLUMNS',
  'PREDICT_UNREADABLE',
  // datasets
  'DATASET_NOT_FOUND',
  'ITEM_NOT_FOUND',
  'DATASET_FILE_MISSING',
  'COLUMN_NOT_FOUND',
  'IMPORT_PATH_NOT_FOUND',
  'IMPORT_UNSUPPORTED',
  'IMPORT_EMPTY_FILE',
  'IMPORT_HEADER_ONLY',
  'IMPORT_BINARY_FILE',
  'IMPORT_NO_IMAGES',
  'IMPORT_RAGGED_ROWS',
  'IMPORT_BAD_COLUMN',
  'IMPORT_CANCELLED',
  'IMPORT_JSON_NOT_TABLE',
  'IMPORT_JSON_TOO_LARGE',
  'TARGET_ONE_VALUE',
  'TARGET_NOT_CHOSEN',
  'TARGET_TYPE_UNUSABLE',
  'UPLOAD_NOT_FOUND',
  // models
  'MODEL_INVALID',
  'MODEL_HAS_PROBLEMS',
  'MODEL_NOT_TRAINABLE',
  'TEMPLATE_UNKNOWN',
  // pretrained bases
  'BASE_UNREADABLE',
  'BASE_UNSUPPORTED',
  'BASE_NOT_FOUND',
  'BASE_OFFLINE',
  'BASE_CHECKSUM',
  // export
  'EXPORT_LAYER_UNSUPPORTED',
  'EXPORT_NO_MODEL',
  'EXPORT_NOT_FOUND',
  'EXPORT_BUSY'
] as const

/** A machine-readable error code. */
export type ErrorCode = (typeof ERROR_CODES)[number]

/** Wire form of an error: a code, a plain-language message, optional technical detail and message parameters. */
export const AppErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  detail: z.string().optional()
})

/** Wire form of an error. */
export type AppError = z.infer<typeof AppErrorSchema>

/** The value every channel call resolves to: a result or a coded error, never a thrown exception. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError }

/** An error raised inside services that crosses the boundary as an {@link AppError}. */
export class StrataError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, string | number> = {},
    readonly detail?: string
  ) {
    super(translate('en', `errors.${code}`, params))
    this.name = 'StrataError'
  }

  /** The wire form of this error. */
  toAppError(): AppError {
    return {
      code: this.code,
      message: this.message,
      ...(Object.keys(this.params).length ? { params: this.params } : {}),
      ...(this.detail ? { detail: this.detail } : {})
    }
  }
}

/** Turns anything thrown into an {@link AppError}, keeping unexpected errors' details out of the message. */
export function toAppError(err: unknown): AppError {
  if (err instanceof StrataError) return err.toAppError()
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err)
  return { code: 'INTERNAL', message: translate('en', 'errors.INTERNAL'), detail }
}
