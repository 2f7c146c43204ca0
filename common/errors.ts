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
  'PROJECT_LOCKED',
  'NO_PROJECT_OPEN',
  'INVALID_NAME',
  'PATH_OUTSIDE_PROJECT',
  'PATH_NOT_ALLOWED',
  'ENGINE_UNAVAILABLE',
  'BAD_ARGUMENTS',
  // training
  'TRAINING_DIVERGED',
  'RUN_NOT_RESUMABLE',
  'RUN_BUSY',
  'RUN_DAMAGED',
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
  'DATASET_IN_USE',
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
  'IMPORT_LINE_TOO_LONG',
  'IMPORT_FIELD_TOO_LONG',
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
  'EXPORT_BUSY',
  'EXPORT_OUT_NOT_FOLDER',
  'EXPORT_OUT_UNWRITABLE'
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

/** An absolute path's last part (`/a/b/photos` → `photos`, `C:\a\b.csv` → `b.csv`), or the text as it is. */
function lastPart(value: string): string {
  if (!/^(?:\/|[A-Za-z]:[\\/]|\\\\)/.test(value)) return value
  const parts = value.split(/[\\/]+/).filter(Boolean)
  return parts.at(-1) ?? value
}

/** Absolute paths inside free text: a `/` or drive letter not inside a word, then segments (which may hold spaces). */
const PATH_IN_TEXT = /(?<![\w/\\.-])(?:[A-Za-z]:)?[\\/](?:[^\\/\n\r'"`<>|]+[\\/])+[^\\/\s'"`<>|,;:()]*/g

/** Text with every absolute path in it cut to its last part (a file or folder name the user would recognise). */
export function redactPaths(text: string): string {
  return text.replace(PATH_IN_TEXT, (found) => lastPart(found))
}

/** Lines of a JavaScript stack trace (`    at fn (file:1:2)`). */
const STACK_LINE = /^\s+at\s.*$/gm

/**
 * The form of an error a client (the page, the desktop window) receives: a code, a plain message and parameters
 * with every absolute path cut to its last part, and technical detail only when it is not an unexpected error's
 * (no stack trace, no paths). What was cut, an unexpected error's stack included, goes to `log` on the host.
 */
export function forClient(error: AppError, log?: (error: AppError) => void): AppError {
  if (error.code === 'INTERNAL') {
    if (error.detail) log?.(error)
    return { code: 'INTERNAL', message: translate('en', 'errors.INTERNAL') }
  }
  const params = error.params ? Object.fromEntries(Object.entries(error.params).map(([k, v]) => [k, typeof v === 'string' ? lastPart(redactPaths(v)) : v])) : undefined
  const message = params ? translate('en', `errors.${error.code}`, params) : redactPaths(error.message)
  const detail = error.detail ? redactPaths(error.detail.replace(STACK_LINE, '')).trim() : ''
  if (detail !== error.detail) log?.(error)
  return { code: error.code, message, ...(params ? { params } : {}), ...(detail ? { detail } : {}) }
}
