import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { ChannelArgs, DatasetSummary, EmitEvent, HealthReport, ImportProgress, ImportResult } from '../../common/contract'
import type { DatasetFitInfo } from '../../common/contract/dataset'
import { datasetFitInfo } from './dataset-fit'
import { StrataError } from '../../common/errors'
import { readThumb } from '../store/blobs'
import {
  dropDuplicates,
  dropUnlabelled,
  getDataset,
  listDatasets,
  listItems,
  removeDataset,
  resplit,
  setColumn,
  setTarget,
  updateItem
} from '../store/datasets'
import { recordDatasetEdit } from '../store/evaluations'
import { healthReport } from '../store/health'
import { importDataset } from '../store/import'
import type { ImportProgressTick } from '../store/import-images'
import { clearStaleStaging, STAGING_DIR } from '../store/import-staging'
import { resolveInsideProject, type OpenProject } from '../store/project-folder'

/** Fewest milliseconds between two progress events of one import (about 10 a second). */
export const PROGRESS_INTERVAL_MS = 100

const UPLOADS_DIR = 'uploads'

/** Turns importer ticks into throttled progress events with a rate and an ETA. */
export function progressReporter(importId: string, send: (p: ImportProgress) => void, now: () => number = Date.now): (tick: ImportProgressTick | { phase: 'done'; unit: 'files'; done: number; total: number }) => void {
  const started = now()
  let last = -Infinity
  let lastPhase = ''
  return (tick) => {
    const t = now()
    const finished = tick.phase === 'reading' && tick.done === tick.total
    if (tick.phase === lastPhase && !finished && t - last < PROGRESS_INTERVAL_MS) return
    last = t
    lastPhase = tick.phase
    const seconds = Math.max((t - started) / 1000, 1e-3)
    const rate = tick.done / seconds
    const etaSeconds = tick.phase === 'reading' && rate > 0 ? Math.round((tick.total - tick.done) / rate) : null
    send({ importId, phase: tick.phase, unit: tick.unit, done: tick.done, total: tick.total, rate: Math.round(rate * 10) / 10, etaSeconds })
  }
}

/** The folder every browser upload of a project is stored under (inside its staging area). */
export function uploadsRoot(root: string): string {
  return path.join(root, STAGING_DIR, UPLOADS_DIR)
}

/** The folder a browser upload's files are stored in until they are imported. */
export function uploadFolder(root: string, uploadId: string): string {
  return path.join(uploadsRoot(root), uploadId)
}

/** Imports, browses, edits and splits the open project's datasets. */
export class DatasetService {
  private readonly running = new Map<string, AbortController>()

  constructor(private readonly opts: { project: () => OpenProject; emit: EmitEvent; liveRunOn?: (root: string, datasetId: string) => number | null }) {}

  private uploadDir(root: string, uploadId: string): string {
    return uploadFolder(root, uploadId)
  }

  /** Where an upload's data is: the single folder or file the user chose, else the upload folder itself. */
  private resolveUpload(root: string, uploadId: string): { source: string; label: string } {
    const dir = this.uploadDir(root, uploadId)
    if (!fs.existsSync(dir)) throw new StrataError('UPLOAD_NOT_FOUND', { id: uploadId })
    const entries = fs.readdirSync(dir, { withFileTypes: true })
    const source = entries.length === 1 ? path.join(dir, entries[0].name) : dir
    return { source, label: `upload: ${path.basename(source)}` }
  }

  /** Imports a folder or file (or a finished upload) as a new dataset, reporting progress; cancellable by id. */
  async import(args: ChannelArgs<'dataset:import'>): Promise<ImportResult> {
    const project = this.opts.project()
    const importId = args.importId ?? crypto.randomBytes(8).toString('hex')
    if (this.running.has(importId)) throw new StrataError('BAD_ARGUMENTS', { reason: `an import with id ${importId} is already running` })
    clearStaleStaging(project.root, new Set(this.running.keys()))
    const controller = new AbortController()
    this.running.set(importId, controller)
    try {
      const upload = args.uploadId ? this.resolveUpload(project.root, args.uploadId) : null
      const source = upload?.source ?? (args.path as string)
      const report = progressReporter(importId, (p) => this.opts.emit('dataset:import-progress', p))
      const result = await importDataset(
        project,
        source,
        { ...args, sourceLabel: upload?.label },
        { importId, signal: controller.signal, onProgress: report }
      )
      this.opts.emit('dataset:import-progress', { importId, phase: 'done', unit: 'files', done: result.imported, total: result.imported, rate: 0, etaSeconds: 0 })
      if (args.uploadId) fs.rmSync(this.uploadDir(project.root, args.uploadId), { recursive: true, force: true })
      if (!result.duplicateOf) this.opts.emit('dataset:changed', { datasetId: result.datasetId })
      return result
    } finally {
      this.running.delete(importId)
    }
  }

  /** True while no import runs (so nothing is being written into a project's blobs or staging area). */
  get idle(): boolean {
    return this.running.size === 0
  }

  /** Stops a running import; it then leaves the project as it was. */
  cancel(importId: string): boolean {
    const controller = this.running.get(importId)
    if (!controller) return false
    controller.abort()
    return true
  }

  /** Stores a batch of uploaded files (browser mode) in the project's staging folder, ready for import. */
  async upload(args: ChannelArgs<'dataset:upload'>): Promise<number> {
    const project = this.opts.project()
    const dir = this.uploadDir(project.root, args.uploadId)
    for (const f of args.files) {
      const target = resolveInsideProject(dir, f.path)
      await fs.promises.mkdir(path.dirname(target), { recursive: true })
      await fs.promises.writeFile(target, Buffer.from(f.base64, 'base64'))
    }
    return args.files.length
  }

  list(): DatasetSummary[] {
    return listDatasets(this.opts.project().db)
  }

  get(datasetId: string): DatasetSummary {
    return getDataset(this.opts.project().db, datasetId)
  }

  /** Removes a dataset; refused while a run trains on it (that run could then never be judged or resumed). */
  remove(datasetId: string): boolean {
    const project = this.opts.project()
    const runId = this.opts.liveRunOn?.(project.root, datasetId) ?? null
    if (runId !== null) throw new StrataError('DATASET_IN_USE', { runId })
    const removed = removeDataset(project.db, datasetId)
    if (removed) this.opts.emit('dataset:changed', { datasetId: null })
    return removed
  }

  items(args: ChannelArgs<'dataset:items'>): ReturnType<typeof listItems> {
    const { datasetId, ...filter } = args
    return listItems(this.opts.project().db, datasetId, filter)
  }

  /** Thumbnails of some items as data: URLs (the renderer's CSP allows them; no file URLs cross the boundary). */
  async thumbnails(datasetId: string, itemIds: number[]): Promise<Array<{ itemId: number; dataUrl: string | null }>> {
    const project = this.opts.project()
    const rows = project.db
      .prepare(`SELECT id, hash FROM items WHERE dataset_id = ? AND id IN (SELECT value FROM json_each(?))`)
      .all(datasetId, JSON.stringify(itemIds)) as Array<{ id: number; hash: string | null }>
    const byId = new Map(rows.map((r) => [r.id, r.hash]))
    return Promise.all(
      itemIds.map(async (itemId) => {
        const hash = byId.get(itemId)
        const bytes = hash ? await readThumb(project.root, hash) : null
        return { itemId, dataUrl: bytes ? `data:image/webp;base64,${bytes.toString('base64')}` : null }
      })
    )
  }

  private changed(datasetId: string): DatasetSummary {
    this.opts.emit('dataset:changed', { datasetId })
    return this.get(datasetId)
  }

  /** Relabels or removes one item; the edit is recorded so evaluations made before it say a retrain is needed. */
  updateItem(args: ChannelArgs<'dataset:update-item'>): DatasetSummary {
    const { db } = this.opts.project()
    updateItem(db, args.datasetId, args.itemId, args)
    if (args.remove) recordDatasetEdit(db, args.datasetId, 'remove', args.itemId)
    else if (args.label !== undefined) recordDatasetEdit(db, args.datasetId, 'relabel', args.itemId, args.label)
    return this.changed(args.datasetId)
  }

  /** Removes the rows without a value to predict (the health fix); recorded as an edit of the dataset. */
  dropUnlabelled(datasetId: string): { removed: number; dataset: DatasetSummary } {
    const { db } = this.opts.project()
    const removed = dropUnlabelled(db, datasetId)
    if (removed) recordDatasetEdit(db, datasetId, 'drop-unlabelled', null, String(removed))
    return { removed, dataset: this.changed(datasetId) }
  }

  /** What a model fitted to the dataset looks like (input shape, task, classes, text length), as training would fit it. */
  fit(datasetId: string): DatasetFitInfo {
    return datasetFitInfo(this.opts.project().db, datasetId)
  }

  dropDuplicates(datasetId: string): { removed: number; dataset: DatasetSummary } {
    const { db } = this.opts.project()
    const removed = dropDuplicates(db, datasetId)
    if (removed) recordDatasetEdit(db, datasetId, 'drop-duplicates', null, String(removed))
    return { removed, dataset: this.changed(datasetId) }
  }

  setColumn(args: ChannelArgs<'dataset:set-column'>): DatasetSummary {
    const { db } = this.opts.project()
    setColumn(db, args.datasetId, args.column, args)
    recordDatasetEdit(db, args.datasetId, 'column', null, args.column)
    return this.changed(args.datasetId)
  }

  setTarget(datasetId: string, column: string): DatasetSummary {
    const { db } = this.opts.project()
    setTarget(db, datasetId, column)
    recordDatasetEdit(db, datasetId, 'target', null, column)
    return this.changed(datasetId)
  }

  split(args: ChannelArgs<'dataset:split'>): DatasetSummary {
    const { db } = this.opts.project()
    resplit(db, args.datasetId, args.ratios, args.seed)
    recordDatasetEdit(db, args.datasetId, 'split')
    return this.changed(args.datasetId)
  }

  health(datasetId: string): HealthReport {
    return healthReport(this.opts.project().db, datasetId)
  }

  /** Stops every running import (the host is shutting down). */
  dispose(): void {
    for (const c of this.running.values()) c.abort()
  }
}
