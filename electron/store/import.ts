import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type Database from 'better-sqlite3'
import type { ChoiceDifference, ColumnChoice, ColumnType, DatasetKind, DatasetSummary, DecimalMark, ImportResult, SplitRatios, TextEncoding } from '../../common/contract/dataset'
import { StrataError } from '../../common/errors'
import { blobPath } from './blobs'
import { isClassType } from './columns'
import { describeSkip, getDataset } from './datasets'
import { jsonToTable } from './json-table'
import { stageImageFolder, type ImportProgressTick } from './import-images'
import { ImportStaging, type DatasetRow } from './import-staging'
import { stageTableFile, type StagedTable } from './import-table'
import { assignSplits, assignSplitsByClass, DEFAULT_RATIOS, newSeed } from './splits'
import { keptClasses, REMOVED } from './table-rows'

/** What the user chose for one import. */
export interface ImportOptions {
  name?: string
  kind?: DatasetKind
  target?: string
  textColumn?: string
  ragged?: 'skip' | 'refuse'
  seed?: number
  ratios?: SplitRatios
  encoding?: TextEncoding
  decimal?: DecimalMark
  /** Per column, by name: type, whether it is left out, the spellings read as missing. */
  columns?: Record<string, ColumnChoice>
  /** Shown as the dataset's source instead of the path (browser uploads). */
  sourceLabel?: string
}

/** The choices a table dataset is made with, by choice and column, to compare two imports of the same file. */
type Choices = Map<string, ChoiceDifference>

/** A dataset's choices as they are now (its target, column types in force, exclusions… as the user left them). */
function choicesOf(d: Pick<DatasetSummary, 'kind' | 'target' | 'textColumn' | 'columns' | 'reading' | 'seed' | 'ratios'>, withSplit: boolean): Choices {
  const out: Choices = new Map()
  const put = (choice: ChoiceDifference['choice'], value: string, column?: string): void => {
    out.set(`${choice}\u0000${column ?? ''}`, { choice, ...(column !== undefined ? { column } : {}), from: value, to: value })
  }
  put('kind', d.kind)
  put('target', d.target ?? '')
  put('textColumn', d.textColumn ?? '')
  if (d.reading) {
    put('encoding', d.reading.encoding)
    put('decimal', d.reading.decimal)
  }
  for (const c of d.columns) {
    put('type', c.type, c.name)
    put('excluded', String(c.excluded), c.name)
    if (c.missingChosen) put('missing', JSON.stringify(c.missingTokens), c.name)
  }
  if (withSplit) {
    put('seed', String(d.seed))
    put('ratios', `${d.ratios.train}/${d.ratios.validation}/${d.ratios.test}`)
  }
  return out
}

/** How `next` differs from `earlier`, choice by choice. */
function differences(earlier: Choices, next: Choices): ChoiceDifference[] {
  const keys = [...new Set([...earlier.keys(), ...next.keys()])]
  return keys
    .filter((k) => earlier.get(k)?.from !== next.get(k)?.from)
    .map((k) => ({ ...(earlier.get(k) ?? next.get(k))!, from: earlier.get(k)?.from ?? '', to: next.get(k)?.from ?? '' }))
}


/** How an import is watched and stopped. */
export interface ImportHooks {
  importId?: string
  signal?: AbortSignal
  onProgress?: (tick: ImportProgressTick) => void
}

/** Copies a file into blobs/ under the given hash (the import already hashed it while reading). */
async function putFileBlob(root: string, file: string, hash: string): Promise<void> {
  const target = blobPath(root, hash)
  if (fs.existsSync(target)) return
  await fs.promises.mkdir(path.dirname(target), { recursive: true })
  const tmp = `${target}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`
  // A copy-on-write clone where the file system has them (APFS, Btrfs, XFS): no bytes copied; a plain copy elsewhere.
  await fs.promises.copyFile(file, tmp, fs.constants.COPYFILE_FICLONE)
  await fs.promises.rename(tmp, target)
}

async function hashFile(file: string): Promise<string> {
  const hash = crypto.createHash('sha256')
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) hash.update(chunk)
  return hash.digest('hex')
}

function fingerprintOf(kind: DatasetKind, parts: Iterable<[string | null, string | null, string]>): string {
  const h = crypto.createHash('sha256').update(`${kind}\n`)
  for (const [hash, label, file] of parts) h.update(`${hash}\u0000${label}\u0000${file}\n`)
  return h.digest('hex')
}

/**
 * Imports an image folder or a CSV/TSV file as a new dataset, all or nothing: files are copied into blobs/
 * (harmless if the import stops; a table's rows are read from its file there), images are staged beside the
 * project, and only a complete import writes the dataset into project.db in one transaction. The same data imported again is not duplicated:
 * the existing dataset is returned with `duplicateOf` set.
 */
export async function importDataset(project: { root: string; db: Database.Database }, source: string, opts: ImportOptions = {}, hooks: ImportHooks = {}): Promise<ImportResult> {
  const abs = path.resolve(source)
  const stat = await fs.promises.stat(abs).catch(() => null)
  if (!stat) throw new StrataError('IMPORT_PATH_NOT_FOUND', { path: abs })
  const isFolder = stat.isDirectory()
  if (isFolder && opts.kind && opts.kind !== 'images') throw new StrataError('IMPORT_UNSUPPORTED', { path: abs, kind: opts.kind })
  if (!isFolder && opts.kind === 'images') throw new StrataError('IMPORT_UNSUPPORTED', { path: abs, kind: opts.kind })

  const importId = hooks.importId ?? crypto.randomBytes(8).toString('hex')
  const staging = new ImportStaging(project.root, importId)
  const ctx = { root: project.root, staging, signal: hooks.signal, onProgress: hooks.onProgress }
  try {
    let table: StagedTable | null = null
    let fingerprint: string
    // The file the rows are read from: the file itself, or the CSV a JSON file was turned into.
    let readFrom = abs
    if (isFolder) {
      await stageImageFolder(ctx, abs)
      fingerprint = fingerprintOf('images', staging.hashes())
    } else {
      const json = await jsonToTable(abs, staging.jsonFile)
      if (json) readFrom = staging.jsonFile
      const choices = {
        kind: opts.kind as 'table' | 'text' | undefined,
        target: opts.target,
        textColumn: opts.textColumn,
        ragged: opts.ragged ?? 'skip',
        encoding: opts.encoding,
        decimal: opts.decimal,
        columns: opts.columns,
        fromJson: json?.shape
      } as const
      table = await stageTableFile(ctx, readFrom, choices, staging.textFile)
      fingerprint = fingerprintOf(table.kind, [[table.fileHash, null, '']])
    }
    if (hooks.signal?.aborted) throw new StrataError('IMPORT_CANCELLED')

    // The same data imported before with the same choices is that dataset; with other choices, a variant of it.
    const earlier = (project.db.prepare('SELECT id FROM datasets WHERE fingerprint = ? ORDER BY created_at, rowid').all(fingerprint) as Array<{ id: string }>).map((r) =>
      getDataset(project.db, r.id)
    )
    const withSplit = opts.seed !== undefined || opts.ratios !== undefined
    const mine = table
      ? choicesOf(
          {
            kind: table.kind,
            target: table.target,
            textColumn: table.textColumn,
            reading: table.reading,
            seed: opts.seed ?? 0,
            ratios: opts.ratios ?? DEFAULT_RATIOS,
            columns: table.columns.map((c) => ({
              ...c,
              userType: c.userType ?? null,
              type: c.userType ?? c.inferredType,
              missingTokens: [...(c.missingTokens ?? [])],
              missingChosen: c.missingTokens !== undefined,
              stats: c.stats as DatasetSummary['columns'][number]['stats']
            }))
          },
          withSplit
        )
      : null
    const same = earlier.find((d) => !mine || differences(choicesOf(d, withSplit), mine).length === 0)
    if (same) {
      staging.discard()
      return {
        datasetId: same.id,
        kind: same.kind,
        imported: 0,
        skipped: [],
        duplicateOf: same.id,
        variantOf: same.variantOf,
        reading: same.reading,
        unlabelled: same.unlabelled,
        classes: same.classes,
        columns: same.columns,
        splits: same.splits
      }
    }
    const base = earlier.at(-1)
    const variantOf = base && mine ? { datasetId: base.id, name: base.name, differences: differences(choicesOf(base, withSplit), mine) } : null

    const imported = table ? table.kept : staging.items
    hooks.onProgress?.({ phase: 'saving', unit: 'files', done: 0, total: imported })
    let rowsBlob: string | null = null
    if (table) {
      await putFileBlob(project.root, readFrom, table.fileHash)
      rowsBlob = table.rowsFile === readFrom ? table.fileHash : await hashFile(table.rowsFile)
      if (rowsBlob !== table.fileHash) await putFileBlob(project.root, table.rowsFile, rowsBlob)
    }
    const kind: DatasetKind = table?.kind ?? 'images'
    const targetColumn = table?.columns.find((c) => c.name === table.target)
    const targetType: ColumnType | undefined = targetColumn ? (targetColumn.userType ?? targetColumn.inferredType) : undefined
    const stratify = kind !== 'table' || (targetType !== undefined && isClassType(targetType))
    const seed = opts.seed ?? newSeed()
    const ratios = opts.ratios ?? DEFAULT_RATIOS
    let splits: Uint8Array
    if (table) {
      const classes = keptClasses(table.rows)
      splits = assignSplitsByClass(stratify ? classes : classes.fill(-1), table.rows.labels.values, ratios, seed)
    } else splits = assignSplits(stratify ? staging.labels() : new Array<null>(staging.items).fill(null), ratios, seed)
    const skipped = staging.skippedList().map((s) => describeSkip(s.file, s.code, s.detail))
    const dataset: DatasetRow = {
      id: crypto.randomBytes(8).toString('hex'),
      name: opts.name?.trim() || `${path.basename(abs).replace(/\.(csv|tsv|txt|tab|json|jsonl|ndjson)$/i, '')}${earlier.length ? ` (${earlier.length + 1})` : ''}`,
      kind,
      source: opts.sourceLabel ?? abs,
      fingerprint,
      createdAt: new Date().toISOString(),
      seed,
      ratios,
      target: table?.target ?? null,
      textColumn: table?.textColumn ?? null,
      settings: table ? { ...table.settings, fileBlob: table.fileHash, ...(variantOf ? { variantOf } : {}) } : {}
    }
    if (hooks.signal?.aborted) throw new StrataError('IMPORT_CANCELLED')
    if (table) {
      // Kept rows take the split codes in order; removed rows keep REMOVED.
      const rowSplits = table.rows.splits
      for (let p = 0, k = 0; p < rowSplits.length; p++) if (rowSplits[p] !== REMOVED) rowSplits[p] = splits[k++]
      staging.commitRows(project.db, dataset, table.columns, { source: { ...table.source, blob: rowsBlob as string }, chunks: table.chunks, state: table.rows })
    } else staging.commit(project.db, dataset, [], splits)
    const d = getDataset(project.db, dataset.id)
    return {
      datasetId: d.id,
      kind,
      imported,
      skipped,
      duplicateOf: null,
      variantOf: d.variantOf,
      reading: d.reading,
      unlabelled: d.unlabelled,
      classes: d.classes,
      columns: d.columns,
      splits: d.splits
    }
  } catch (err) {
    staging.discard()
    throw err
  }
}
