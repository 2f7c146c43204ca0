import { z } from 'zod'
import { channel, event, NoInput } from './define'

/** What a dataset holds: labelled images, rows of a table, or labelled texts. */
export const DATASET_KINDS = ['images', 'table', 'text'] as const
export const DatasetKind = z.enum(DATASET_KINDS)
export type DatasetKind = z.infer<typeof DatasetKind>

/** How a table column is read; `id` marks identifiers that must not be features. */
export const COLUMN_TYPES = ['numeric', 'categorical', 'boolean', 'text', 'date', 'id'] as const
export const ColumnType = z.enum(COLUMN_TYPES)
export type ColumnType = z.infer<typeof ColumnType>

/** The three splits every dataset is cut into. */
export const SPLIT_NAMES = ['train', 'validation', 'test'] as const
export const SplitName = z.enum(SPLIT_NAMES)
export type SplitName = z.infer<typeof SplitName>

/** A dataset's id: a short random hex string. */
export const DatasetId = z.string().regex(/^[0-9a-f]{8,32}$/)

/** Fractions of the items that go to each split; they add up to 1. */
export const SplitRatios = z
  .object({ train: z.number().min(0).max(1), validation: z.number().min(0).max(1), test: z.number().min(0).max(1) })
  .refine((r) => Math.abs(r.train + r.validation + r.test - 1) < 1e-6 && r.train > 0, { message: 'ratios must add up to 1, with some training data' })
export type SplitRatios = z.infer<typeof SplitRatios>

/** How many items each split holds. */
export const SplitCounts = z.object({ train: z.number().int(), validation: z.number().int(), test: z.number().int() })
export type SplitCounts = z.infer<typeof SplitCounts>

/** Why a file or row was left out; each has a plain-language message under `data.skip.<code>`. */
export const SKIP_CODES = ['notImage', 'hidden', 'notInClass', 'unreadable', 'ragged', 'emptyLabel'] as const
export const SkipCode = z.enum(SKIP_CODES)
export type SkipCode = z.infer<typeof SkipCode>

/** A file (or row) that was not imported: why in plain English (`reason`), as a code, and the technical detail. */
export const SkippedFile = z.object({ file: z.string(), reason: z.string(), code: SkipCode, detail: z.string().optional() })
export type SkippedFile = z.infer<typeof SkippedFile>

/** One class of a labelled dataset and how many items carry it. */
export const ClassCount = z.object({ label: z.string(), count: z.number().int() })
export type ClassCount = z.infer<typeof ClassCount>

/** Why a column got the type it was given (shown beside it): `data.typeReasons.<reason>` in the message table. */
export const TYPE_REASONS = ['empty', 'yesNo', 'decimals', 'uniqueWholeNumbers', 'leadingZeros', 'codeName', 'wholeNumbers', 'dates', 'uniqueValues', 'longText', 'words'] as const
export const TypeReason = z.enum(TYPE_REASONS)
export type TypeReason = z.infer<typeof TypeReason>

/** Summary statistics of one table column (the fields present depend on its type). */
export const ColumnStats = z.object({
  count: z.number().int(),
  distinct: z.number().int(),
  distinctCapped: z.boolean(),
  min: z.number().optional(),
  max: z.number().optional(),
  mean: z.number().optional(),
  std: z.number().optional(),
  top: z.array(z.object({ value: z.string(), count: z.number().int() })).default([]),
  maxLength: z.number().int().optional(),
  /** The missing spellings found (trimmed, lower-cased; '' is an empty cell) and how often, most frequent first. */
  missingTokens: z.array(z.object({ token: z.string(), count: z.number().int() })).default([]),
  /** Why the column was given its inferred type. */
  reason: TypeReason.optional()
})
export type ColumnStats = z.infer<typeof ColumnStats>

/** One column of a table or text dataset. */
export const DatasetColumn = z.object({
  name: z.string(),
  position: z.number().int(),
  inferredType: ColumnType,
  userType: ColumnType.nullable(),
  /** The type in force: the user's choice, else the inferred one. */
  type: ColumnType,
  excluded: z.boolean(),
  missing: z.number().int(),
  /** The spellings this column reads as missing (trimmed, lower-cased): the defaults unless the user changed them. */
  missingTokens: z.array(z.string()),
  /** True when the user chose this column's missing spellings (else they are the defaults). */
  missingChosen: z.boolean(),
  stats: ColumnStats
})
export type DatasetColumn = z.infer<typeof DatasetColumn>

/** A text encoding the table importer reads. */
export const TextEncoding = z.enum(['utf-8', 'windows-1252', 'utf-16le', 'utf-16be'])
export type TextEncoding = z.infer<typeof TextEncoding>

/** The decimal mark numbers are written with: `5.1`, or `5,1`. */
export const DecimalMark = z.enum(['.', ','])
export type DecimalMark = z.infer<typeof DecimalMark>

/** How a table file was read: its encoding, decimal mark, and the header names made unique. */
export const TableReading = z.object({
  /** The file's text encoding, and whether it was detected (or chosen by the user). */
  encoding: TextEncoding,
  encodingDetected: z.boolean(),
  decimal: DecimalMark,
  /** Header names that occurred more than once and were renamed: `x` twice becomes `x` and `x_2`. */
  renamed: z.array(z.object({ position: z.number().int(), from: z.string(), to: z.string() })),
  /** The file was JSON (an array of objects, or one object per line) turned into a table. */
  json: z.enum(['array', 'lines']).nullable()
})
export type TableReading = z.infer<typeof TableReading>

/** The choices an import is made with, by key (`data.choices.<choice>` in the message table names each). */
export const IMPORT_CHOICES = ['kind', 'target', 'textColumn', 'encoding', 'decimal', 'type', 'excluded', 'missing', 'seed', 'ratios'] as const

/**
 * One choice an import was made with that another import of the same file made differently: its key, the column
 * for per-column choices, and the two values (column names, type and encoding codes, `true`/`false`, missing
 * spellings as JSON; '' for none).
 */
export const ChoiceDifference = z.object({ choice: z.enum(IMPORT_CHOICES), column: z.string().optional(), from: z.string(), to: z.string() })
export type ChoiceDifference = z.infer<typeof ChoiceDifference>

/** What the studio shows about one dataset. */
export const DatasetSummary = z.object({
  id: DatasetId,
  name: z.string(),
  kind: DatasetKind,
  source: z.string(),
  createdAt: z.string(),
  seed: z.number().int(),
  ratios: z.object({ train: z.number(), validation: z.number(), test: z.number() }),
  target: z.string().nullable(),
  textColumn: z.string().nullable(),
  itemCount: z.number().int(),
  classes: z.array(ClassCount),
  splits: SplitCounts,
  columns: z.array(DatasetColumn),
  /** The first files or rows the import left out (at most 1,000), and how many there were in all. */
  skipped: z.array(SkippedFile),
  skippedCount: z.number().int(),
  /** Rows kept in the dataset whose target is missing (or, for a number target, not a number): no split trains or scores them. */
  unlabelled: z.number().int(),
  /** How a table file was read (null for images, and for tables imported before this was recorded). */
  reading: TableReading.nullable(),
  /** When the same file was imported before with other choices: that dataset and how this one differs. */
  variantOf: z.object({ datasetId: DatasetId, name: z.string(), differences: z.array(ChoiceDifference) }).nullable()
})
export type DatasetSummary = z.infer<typeof DatasetSummary>

/** One item of a dataset as the grid or the table preview shows it. */
export const DatasetItem = z.object({
  id: z.number().int(),
  label: z.string().nullable(),
  /** Null for a table row without a target: it is in no split. */
  split: SplitName.nullable(),
  hash: z.string().nullable(),
  file: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  text: z.string().nullable(),
  row: z.array(z.string().nullable()).nullable()
})
export type DatasetItem = z.infer<typeof DatasetItem>

/** A health finding in plain words, with the fix the studio can apply in one click, if any. */
export const HealthWarning = z.object({
  key: z.string(),
  severity: z.enum(['info', 'warning', 'problem']),
  params: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  fix: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('exclude-column'), column: z.string() }),
      z.object({ kind: z.literal('drop-duplicates') }),
      z.object({ kind: z.literal('drop-unlabelled') }),
      z.object({ kind: z.literal('balance-classes') }),
      z.object({ kind: z.literal('remove-item'), itemId: z.number().int() }),
      z.object({ kind: z.literal('relabel-item'), itemId: z.number().int(), labels: z.array(z.string()) })
    ])
    .optional()
})
export type HealthWarning = z.infer<typeof HealthWarning>

/** The dataset health report: findings plus the numbers behind the charts. */
export const HealthReport = z.object({
  datasetId: DatasetId,
  warnings: z.array(HealthWarning),
  imageSizes: z
    .object({ minWidth: z.number(), maxWidth: z.number(), minHeight: z.number(), maxHeight: z.number(), distinctSizes: z.number().int() })
    .nullable()
})
export type HealthReport = z.infer<typeof HealthReport>

/** What a model fitted to a dataset looks like, computed by the training pipeline's own fitting (see dataset:fit). */
export const DatasetFitInfo = z.object({
  datasetId: DatasetId,
  /** The shape of one encoded example: a table's encoded width, a text's sequence length, an image's size. */
  inputShape: z.array(z.number().int().positive()),
  /** The task the target asks for and every head that can learn it; null when the target cannot be learnt (`noTask`). */
  task: z.enum(['classification', 'binary', 'regression']).nullable(),
  accepts: z.array(z.enum(['classification', 'binary', 'regression'])),
  classes: z.number().int().nullable(),
  /** Why no model fits yet: `data.noTask.<reason>` in the message table. */
  noTask: z.object({ reason: z.enum(['noTarget', 'targetType', 'oneClass', 'emptyTraining']), type: z.string().optional() }).nullable(),
  /** Texts: the chosen sequence length, and how many training texts are longer (cut) out of how many. */
  text: z.object({ sequenceLength: z.number().int(), cut: z.number().int(), texts: z.number().int(), percentile: z.number() }).nullable(),
  /** Tables: each used column and how many inputs it becomes. */
  features: z.array(z.object({ column: z.string(), type: z.string(), width: z.number().int() }))
})
export type DatasetFitInfo = z.infer<typeof DatasetFitInfo>

/** What to do with rows that have the wrong number of fields. */
export const RaggedRows = z.enum(['skip', 'refuse'])

/** What the user chose for one column at import: its type, whether it is left out, which spellings are missing. */
export const ColumnChoice = z
  .object({
    type: ColumnType.optional(),
    excluded: z.boolean().optional(),
    missing: z.array(z.string().max(64)).max(100).optional()
  })
  .strict()
export type ColumnChoice = z.infer<typeof ColumnChoice>

/** An import request: a folder or CSV file on this machine, or a finished browser upload. */
export const ImportRequest = z
  .object({
    /** Chosen by the caller so it can cancel the import while it runs. */
    importId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
    path: z.string().min(1).optional(),
    uploadId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
    name: z.string().trim().min(1).max(120).optional(),
    kind: DatasetKind.optional(),
    target: z.string().optional(),
    textColumn: z.string().optional(),
    ragged: RaggedRows.default('skip'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    ratios: SplitRatios.optional(),
    /** The file's text encoding; detected when left out. */
    encoding: TextEncoding.optional(),
    /** The decimal mark numbers are written with; detected when left out. */
    decimal: DecimalMark.optional(),
    /** Choices per column, by name: type, excluded, missing spellings. */
    columns: z.record(z.string(), ColumnChoice).optional()
  })
  .strict()
  .refine((r) => Boolean(r.path) !== Boolean(r.uploadId), { message: 'give either path or uploadId' })
export type ImportRequest = z.input<typeof ImportRequest>

/**
 * What an import did. `duplicateOf` is set (and nothing is added) when the same data was imported before with the
 * same choices; the same file imported with other choices is a new dataset whose `variantOf` says how it differs.
 */
export const ImportResult = z.object({
  datasetId: DatasetId,
  kind: DatasetKind,
  imported: z.number().int(),
  skipped: z.array(SkippedFile),
  duplicateOf: DatasetId.nullable(),
  variantOf: DatasetSummary.shape.variantOf,
  reading: TableReading.nullable(),
  unlabelled: z.number().int(),
  classes: z.array(ClassCount),
  columns: z.array(DatasetColumn),
  splits: SplitCounts
})
export type ImportResult = z.infer<typeof ImportResult>

/** Progress of a running import. */
export const ImportProgress = z.object({
  importId: z.string(),
  phase: z.enum(['scanning', 'reading', 'saving', 'done']),
  /** What done and total count: image files, or bytes of a table file. */
  unit: z.enum(['files', 'bytes']),
  done: z.number().int(),
  total: z.number().int(),
  /** Units per second. */
  rate: z.number(),
  etaSeconds: z.number().nullable()
})
export type ImportProgress = z.infer<typeof ImportProgress>

/** Largest base64 payload of one upload batch, kept well under the host's 16 MiB message cap. */
export const MAX_UPLOAD_BATCH_CHARS = 8 * 1024 * 1024

const RelativePath = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !p.split(/[\\/]/).some((part) => part === '..' || part === '') && !/^[\\/]|^[A-Za-z]:/.test(p), {
    message: 'must be a relative path without ".."'
  })

const id = z.object({ datasetId: DatasetId }).strict()

/** Dataset channels. */
export const DATASET_CHANNELS = {
  'dataset:import': channel(ImportRequest, ImportResult),
  /** Opens the desktop's native picker (Electron only; the browser uploads instead): null when cancelled or unavailable. */
  'dataset:pick-source': channel(z.object({ folder: z.boolean() }).strict(), z.object({ path: z.string().nullable() })),
  'dataset:cancel-import': channel(z.object({ importId: z.string() }).strict(), z.object({ cancelled: z.boolean() })),
  'dataset:upload': channel(
    z
      .object({
        uploadId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
        files: z.array(z.object({ path: RelativePath, base64: z.string() }).strict()).max(10_000)
      })
      .strict()
      .refine((u) => u.files.reduce((n, f) => n + f.base64.length, 0) <= MAX_UPLOAD_BATCH_CHARS, { message: 'upload batch too large' }),
    z.object({ received: z.number().int() })
  ),
  'dataset:list': channel(NoInput, z.array(DatasetSummary)),
  'dataset:get': channel(id, DatasetSummary),
  'dataset:remove': channel(id, z.object({ removed: z.boolean() })),
  'dataset:items': channel(
    z
      .object({
        datasetId: DatasetId,
        split: SplitName.optional(),
        label: z.string().optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(200)
      })
      .strict(),
    z.object({ total: z.number().int(), items: z.array(DatasetItem) })
  ),
  'dataset:thumbnails': channel(
    z.object({ datasetId: DatasetId, itemIds: z.array(z.number().int()).max(200) }).strict(),
    z.array(z.object({ itemId: z.number().int(), dataUrl: z.string().nullable() }))
  ),
  'dataset:update-item': channel(
    z.object({ datasetId: DatasetId, itemId: z.number().int(), label: z.string().min(1).optional(), remove: z.boolean().optional() }).strict(),
    DatasetSummary
  ),
  'dataset:drop-duplicates': channel(id, z.object({ removed: z.number().int(), dataset: DatasetSummary })),
  'dataset:set-column': channel(
    z
      .object({
        datasetId: DatasetId,
        column: z.string(),
        type: ColumnType.nullable().optional(),
        excluded: z.boolean().optional(),
        /** The spellings this column reads as missing; null restores the defaults. */
        missing: z.array(z.string().max(64)).max(100).nullable().optional()
      })
      .strict(),
    DatasetSummary
  ),
  /** Removes the rows whose target is missing (the health fix "drop the N rows without a value to predict"). */
  'dataset:drop-unlabelled': channel(id, z.object({ removed: z.number().int(), dataset: DatasetSummary })),
  /** What a model fitted to the dataset looks like: input shape, task and classes, and how texts are cut. */
  'dataset:fit': channel(id, DatasetFitInfo),
  'dataset:set-target': channel(z.object({ datasetId: DatasetId, column: z.string() }).strict(), DatasetSummary),
  'dataset:split': channel(
    z.object({ datasetId: DatasetId, ratios: SplitRatios.optional(), seed: z.number().int().min(0).max(2 ** 31 - 1).optional() }).strict(),
    DatasetSummary
  ),
  'dataset:health': channel(id, HealthReport)
}

/** Dataset events. */
export const DATASET_EVENTS = {
  'dataset:import-progress': event(ImportProgress),
  'dataset:changed': event(z.object({ datasetId: DatasetId.nullable() }))
}
