import type Database from 'better-sqlite3'
import { z } from 'zod'
import { ChoiceDifference, DecimalMark, TableReading, TextEncoding } from '../../common/contract/dataset'
import { LEGACY_MISSING_TOKENS, MISSING_TOKENS, type DecimalMark as Decimal } from '../../common/data/cells'

/**
 * What a dataset's `settings` column holds (JSON): how its file was read and what the import chose. Every field is
 * optional, so datasets imported by earlier builds read as they were: their cells keep the missing spellings of
 * that time ({@link LEGACY_MISSING_TOKENS}) and decimal points.
 */
export const DatasetSettings = z
  .object({
    delimiter: z.string().optional(),
    hasHeader: z.boolean().optional(),
    rows: z.number().optional(),
    ragged: z.number().optional(),
    parts: z.number().optional(),
    /** The blob of the imported file itself (what re-imports of the same file are recognised by). */
    fileBlob: z.string().optional(),
    encoding: TextEncoding.optional(),
    encodingDetected: z.boolean().optional(),
    decimal: DecimalMark.optional(),
    renamed: TableReading.shape.renamed.optional(),
    json: TableReading.shape.json.optional(),
    /** The missing spellings every column reads unless it has its own. */
    missingTokens: z.array(z.string()).optional(),
    /** Columns (by position) whose missing spellings the user chose. */
    columnMissing: z.record(z.string(), z.array(z.string())).optional(),
    /** The dataset imported from the same file before, with other choices, and how this one differs. */
    variantOf: z.object({ datasetId: z.string(), name: z.string(), differences: z.array(ChoiceDifference) }).optional()
  })
  .passthrough()
export type DatasetSettings = z.infer<typeof DatasetSettings>

/** A dataset's settings, read and checked. */
export function readSettings(db: Database.Database, datasetId: string): DatasetSettings {
  const row = db.prepare('SELECT settings FROM datasets WHERE id = ?').get(datasetId) as { settings: string } | undefined
  return DatasetSettings.parse(row ? JSON.parse(row.settings) : {})
}

/** Changes some of a dataset's settings (the others stay). */
export function updateSettings(db: Database.Database, datasetId: string, change: Partial<DatasetSettings>): void {
  const next = { ...readSettings(db, datasetId), ...change }
  db.prepare('UPDATE datasets SET settings = ? WHERE id = ?').run(JSON.stringify(next), datasetId)
}

/** How a dataset's cells are read: each column's missing spellings (by position) and its numbers' decimal mark. */
export interface DatasetCells {
  /** The spellings every column reads as missing unless it has its own. */
  defaults: readonly string[]
  /** A column's missing spellings, and whether the user chose them. */
  missing(position: number): { tokens: readonly string[]; chosen: boolean }
  decimal: Decimal
}

/** How a dataset's cells are read, from its settings. */
export function datasetCells(settings: DatasetSettings): DatasetCells {
  // The default list itself when it is the default (so the importer's fast path for it applies).
  const stored = settings.missingTokens
  const defaults = stored === undefined ? LEGACY_MISSING_TOKENS : sameTokens(stored, MISSING_TOKENS) ? MISSING_TOKENS : stored
  const chosen = settings.columnMissing ?? {}
  return {
    defaults,
    missing: (position) => {
      const own = chosen[String(position)]
      return own ? { tokens: own, chosen: true } : { tokens: defaults, chosen: false }
    },
    decimal: settings.decimal ?? '.'
  }
}

function sameTokens(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i])
}

/** Missing spellings as a column stores them: trimmed, lower-cased, each once. */
export function normalTokens(tokens: readonly string[]): string[] {
  return [...new Set(tokens.map((t) => t.trim().toLowerCase()))]
}
