import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type Database from 'better-sqlite3'
import type { ColumnType, DatasetKind, ImportResult, SplitRatios } from '../../common/contract/dataset'
import { StrataError } from '../../common/errors'
import { blobPath } from './blobs'
import { isClassType } from './columns'
import { describeSkip, getDataset } from './datasets'
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
  /** Shown as the dataset's source instead of the path (browser uploads). */
  sourceLabel?: string
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
    if (isFolder) {
      await stageImageFolder(ctx, abs)
      fingerprint = fingerprintOf('images', staging.hashes())
    } else {
      const choices = { kind: opts.kind as 'table' | 'text' | undefined, target: opts.target, textColumn: opts.textColumn, ragged: opts.ragged ?? 'skip' } as const
      table = await stageTableFile(ctx, abs, choices, staging.textFile)
      fingerprint = fingerprintOf(table.kind, [[table.fileHash, null, '']])
    }
    if (hooks.signal?.aborted) throw new StrataError('IMPORT_CANCELLED')

    const existing = project.db.prepare('SELECT id FROM datasets WHERE fingerprint = ?').get(fingerprint) as { id: string } | undefined
    if (existing) {
      staging.discard()
      const d = getDataset(project.db, existing.id)
      return { datasetId: d.id, kind: d.kind, imported: 0, skipped: [], duplicateOf: d.id, classes: d.classes, columns: d.columns, splits: d.splits }
    }

    const imported = table ? table.kept : staging.items
    hooks.onProgress?.({ phase: 'saving', unit: 'files', done: 0, total: imported })
    let rowsBlob: string | null = null
    if (table) {
      await putFileBlob(project.root, abs, table.fileHash)
      rowsBlob = table.rowsFile === abs ? table.fileHash : await hashFile(table.rowsFile)
      if (rowsBlob !== table.fileHash) await putFileBlob(project.root, table.rowsFile, rowsBlob)
    }
    const kind: DatasetKind = table?.kind ?? 'images'
    const targetType: ColumnType | undefined = table?.columns.find((c) => c.name === table.target)?.inferredType
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
      name: opts.name?.trim() || path.basename(abs).replace(/\.(csv|tsv|txt|tab)$/i, ''),
      kind,
      source: opts.sourceLabel ?? abs,
      fingerprint,
      createdAt: new Date().toISOString(),
      seed,
      ratios,
      target: table?.target ?? null,
      textColumn: table?.textColumn ?? null,
      settings: table ? { ...table.settings, fileBlob: table.fileHash } : {}
    }
    if (hooks.signal?.aborted) throw new StrataError('IMPORT_CANCELLED')
    if (table) {
      // Kept rows take the split codes in order; removed rows keep REMOVED.
      const rowSplits = table.rows.splits
      for (let p = 0, k = 0; p < rowSplits.length; p++) if (rowSplits[p] !== REMOVED) rowSplits[p] = splits[k++]
      staging.commitRows(project.db, dataset, table.columns, { source: { ...table.source, blob: rowsBlob as string }, chunks: table.chunks, state: table.rows })
    } else staging.commit(project.db, dataset, [], splits)
    const d = getDataset(project.db, dataset.id)
    return { datasetId: d.id, kind, imported, skipped, duplicateOf: null, classes: d.classes, columns: d.columns, splits: d.splits }
  } catch (err) {
    staging.discard()
    throw err
  }
}
