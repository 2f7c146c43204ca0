import { z } from 'zod'
import { AppErrorSchema } from '../errors'
import { channel, event } from './define'

/** What a trained model can be exported as: TF.js layers, ONNX, a Keras script, a model card, an offline web page. */
export const EXPORT_FORMATS = ['tfjs', 'onnx', 'keras', 'card', 'web'] as const
export const ExportFormat = z.enum(EXPORT_FORMATS)
export type ExportFormat = z.infer<typeof ExportFormat>

/**
 * How an export was checked. `verified`: re-loaded in its own runtime and its predictions on held-out examples are
 * within the tolerance of the studio's (the Keras script: it compiles). `failed`: it could not be written, or its
 * predictions differ (see `maxDiff`). `written`: written, with nothing to compare (the card) or no runtime to check it here (see `note`).
 */
export const ExportStatus = z.enum(['verified', 'failed', 'written'])
export type ExportStatus = z.infer<typeof ExportStatus>

/** A message key under `export.notes` and its parameters. */
export const ExportNote = z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).default({}) })
export type ExportNote = z.infer<typeof ExportNote>

/** One export of a run, as recorded in `runs/<id>/exports/manifest.json`. */
export const ExportRecord = z.object({
  format: ExportFormat,
  status: ExportStatus,
  /** Largest absolute difference from the studio's predictions, when compared. */
  maxDiff: z.number().nullable(),
  /** How many held-out examples were compared. */
  examples: z.number().int(),
  tolerance: z.number(),
  /** The runtime that re-loaded the export (`onnxruntime-node`, `TF.js`, `Chromium`, `python3 -m py_compile`). */
  checkedWith: z.string().nullable(),
  /** The folder holding the export's files, and their paths inside it. */
  path: z.string(),
  files: z.array(z.string()),
  note: ExportNote.nullable(),
  error: AppErrorSchema.nullable(),
  createdAt: z.string()
})
export type ExportRecord = z.infer<typeof ExportRecord>

/** The model card's texts the user writes before exporting. */
export const CardText = z.object({
  intendedUse: z.string().max(20_000).default(''),
  limitations: z.string().max(20_000).default('')
})
export type CardText = z.infer<typeof CardText>

/** Live progress of an export: which format, and whether it is being written or checked. */
export const ExportProgress = z.object({
  runId: z.number().int(),
  format: ExportFormat,
  stage: z.enum(['writing', 'verifying', 'done']),
  index: z.number().int(),
  total: z.number().int()
})
export type ExportProgress = z.infer<typeof ExportProgress>

/** Largest piece of an export archive one `export:download` call returns (base64 keeps messages under the host's cap). */
export const EXPORT_CHUNK_BYTES = 4 * 1024 * 1024

const RunId = z.number().int().positive()
const ExportsOfRun = z.object({ runId: z.number().int(), exports: z.array(ExportRecord), card: CardText })

/** Export channels. */
export const EXPORT_CHANNELS = {
  'export:run': channel(
    z
      .object({
        runId: RunId,
        formats: z.array(ExportFormat).min(1).max(EXPORT_FORMATS.length),
        card: CardText.optional(),
        /** Language of the model card and the web page; the studio's language when left out. */
        locale: z.enum(['en', 'zh-CN']).optional()
      })
      .strict(),
    ExportsOfRun
  ),
  'export:list': channel(z.object({ runId: RunId }).strict(), ExportsOfRun),
  /** One chunk of a zip archive of an export's folder, for browser downloads. */
  'export:download': channel(
    z.object({ runId: RunId, format: ExportFormat, offset: z.number().int().min(0).default(0) }).strict(),
    z.object({ name: z.string(), size: z.number().int(), offset: z.number().int(), data: z.string(), done: z.boolean() })
  ),
  /** Copies an export's folder to a folder the user picks in a native dialog (desktop only; null when cancelled or unavailable). */
  'export:save-to': channel(z.object({ runId: RunId, format: ExportFormat }).strict(), z.object({ path: z.string().nullable() }))
}

/** Export events. */
export const EXPORT_EVENTS = {
  'export:progress': event(ExportProgress)
}
