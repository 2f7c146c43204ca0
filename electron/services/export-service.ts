import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { CardText, EXPORT_CHUNK_BYTES, ExportRecord, type EmitEvent, type ExportFormat } from '../../common/contract'
import { forClient, StrataError, type AppError } from '../../common/errors'
import type { EngineReply, EnginePort, ExportJob, JobEvent } from '../engine/process/protocol'
import { makeFolders } from '../store/folders'
import { getRun } from '../store/runs'
import type { ProjectService } from './project-service'
import { exportArchive, exportDir, exportManifestFile, exportName, exportsDir, runDir } from '../store/run-folder'
import { zipFolder } from './zip'

/** What `runs/<id>/exports/manifest.json` holds: the card texts last used and the latest export of each format. */
const ExportManifest = z.object({
  format: z.literal('strata.exports/1'),
  card: CardText,
  exports: z.array(ExportRecord)
})
type ExportManifest = z.infer<typeof ExportManifest>

/** Creates a new folder `<parent>/<name>`, or `<name> (2)`, `<name> (3)`… when that one exists; returns it. */
function claimFolder(parent: string, name: string): string {
  for (let n = 1; ; n++) {
    const dest = path.join(parent, n === 1 ? name : `${name} (${n})`)
    try {
      // Not recursive: creating it is what claims the name, so nothing already there is written into.
      fs.mkdirSync(dest)
      return dest
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw outFolderError(parent, err)
    }
  }
}

function outFolderError(target: string, err: unknown): StrataError {
  return new StrataError('EXPORT_OUT_UNWRITABLE', { path: target, reason: (err as NodeJS.ErrnoException).code ?? String(err) })
}

/**
 * Makes sure exports can be written into `target` before any work starts: creates it when missing, and refuses at
 * once (EXPORT_OUT_NOT_FOLDER, EXPORT_OUT_UNWRITABLE) a file, a place where no folder can be made (`/proc/x`) or a
 * folder that cannot be written to. Returns its absolute path.
 */
export function checkOutFolder(target: string): string {
  const abs = path.resolve(target)
  const stat = fs.statSync(abs, { throwIfNoEntry: false })
  if (stat && !stat.isDirectory()) throw new StrataError('EXPORT_OUT_NOT_FOLDER', { path: abs })
  try {
    if (!stat) makeFolders(abs)
    fs.rmdirSync(fs.mkdtempSync(path.join(abs, '.strata-write-check-')))
  } catch (err) {
    throw outFolderError(abs, err)
  }
  return abs
}

/** The exports of a run as channels return them. */
export interface ExportsOfRun {
  runId: number
  exports: ExportRecord[]
  card: CardText
}

function readManifest(projectRoot: string, runId: number): ExportManifest {
  const file = exportManifestFile(runDir(projectRoot, runId))
  if (!fs.existsSync(file)) return { format: 'strata.exports/1', card: { intendedUse: '', limitations: '' }, exports: [] }
  return ExportManifest.parse(JSON.parse(fs.readFileSync(file, 'utf8')))
}

function writeManifest(projectRoot: string, runId: number, manifest: ExportManifest): void {
  const folder = runDir(projectRoot, runId)
  fs.mkdirSync(exportsDir(folder), { recursive: true })
  const file = exportManifestFile(folder)
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(manifest, null, 2))
  fs.renameSync(`${file}.tmp`, file)
}

/**
 * Exports trained runs: each export job runs in its own engine process, which writes every format into
 * `runs/<id>/exports/<format>/` and checks it; this service records the results in a manifest beside them.
 */
export class ExportService {
  private readonly busy = new Set<string>()

  constructor(
    private readonly opts: {
      projects: ProjectService
      launchEngine: () => EnginePort
      emit: EmitEvent
      version: string
      locale: string
      pickPath?: (opts: { folder: boolean }) => Promise<string | null>
    }
  ) {}

  /** Writes and checks the asked formats of a run; resolves once all are done, with every export of the run. */
  async run(runId: number, formats: ExportFormat[], card?: CardText, locale?: string): Promise<ExportsOfRun> {
    const { root, db } = this.opts.projects.require()
    getRun(db, runId)
    const key = `${root}#${runId}`
    if (this.busy.has(key)) throw new StrataError('EXPORT_BUSY', { runId })
    this.busy.add(key)
    try {
      const manifest = readManifest(root, runId)
      const cardText = card ?? manifest.card
      const unique = [...new Set(formats)]
      const job: ExportJob = { runId, projectRoot: root, runDir: runDir(root, runId), formats: unique, card: cardText, locale: locale ?? this.opts.locale, version: this.opts.version }
      const records = await this.runJob(job)
      const next: ExportManifest = {
        format: 'strata.exports/1',
        card: cardText,
        exports: [...manifest.exports.filter((e) => !unique.includes(e.format)), ...records]
      }
      writeManifest(root, runId, next)
      return { runId, exports: next.exports, card: next.card }
    } finally {
      this.busy.delete(key)
    }
  }

  private runJob(job: ExportJob): Promise<ExportRecord[]> {
    return new Promise((resolve, reject) => {
      const port = this.opts.launchEngine()
      let settled = false
      const finish = (fn: () => void): void => {
        if (settled) return
        settled = true
        fn()
      }
      port.onMessage((message: EngineReply) => {
        if (!('type' in message) || message.type !== 'job') return
        const event: JobEvent = message.event
        if (event.type === 'export-progress') {
          this.opts.emit('export:progress', { runId: job.runId, format: event.format, stage: event.stage, index: event.index, total: event.total })
        } else if (event.type === 'export-done') {
          // A failed format's error is kept as a client may see it: no stack, no absolute paths (those go to the log).
          const log = (e: AppError): void => console.error(`strata: export ${e.code} error:`, e.detail ?? e.message)
          finish(() => resolve(event.records.map((r) => ExportRecord.parse({ ...r, error: r.error ? forClient(r.error, log) : null }))))
        } else if (event.type === 'failed') {
          finish(() => reject(new StrataError(event.error.code, event.error.params ?? {}, event.error.detail)))
        }
      })
      port.onExit((code) => finish(() => reject(new StrataError('ENGINE_UNAVAILABLE', { reason: `the export process stopped unexpectedly (exit code ${code ?? 'unknown'})` }))))
      port.postMessage({ type: 'export', job })
    })
  }

  /** Every recorded export of a run, and the card texts last used. */
  list(runId: number): ExportsOfRun {
    const { root, db } = this.opts.projects.require()
    getRun(db, runId)
    const manifest = readManifest(root, runId)
    return { runId, exports: manifest.exports, card: manifest.card }
  }

  private exportFolder(runId: number, format: ExportFormat): { root: string; dir: string; record: ExportRecord } {
    const { root, db } = this.opts.projects.require()
    getRun(db, runId)
    const record = readManifest(root, runId).exports.find((e) => e.format === format)
    const dir = exportDir(runDir(root, runId), format)
    if (!record || !fs.existsSync(dir)) throw new StrataError('EXPORT_NOT_FOUND', { runId, format })
    return { root, dir, record }
  }

  /** One chunk of a zip archive of an export's folder; the archive is built once per export and kept beside it. */
  download(runId: number, format: ExportFormat, offset: number): { name: string; size: number; offset: number; data: string; done: boolean } {
    const { root, dir, record } = this.exportFolder(runId, format)
    const { file: archive, name } = exportArchive(runDir(root, runId), runId, format)
    if (!fs.existsSync(archive) || fs.statSync(archive).mtime < new Date(record.createdAt)) fs.writeFileSync(archive, zipFolder(dir, exportName(runId, format)))
    const size = fs.statSync(archive).size
    const start = Math.min(offset, size)
    const length = Math.min(EXPORT_CHUNK_BYTES, size - start)
    const chunk = Buffer.alloc(length)
    const fd = fs.openSync(archive, 'r')
    try {
      fs.readSync(fd, chunk, 0, length, start)
    } finally {
      fs.closeSync(fd)
    }
    return { name, size, offset: start, data: chunk.toString('base64'), done: start + length >= size }
  }

  /**
   * Copies an export's folder into `<target>/run-<id>-<format>`, or beside a folder of that name already there
   * (`run-<id>-<format> (2)`, …), which is never replaced; returns the new folder.
   */
  copyTo(runId: number, format: ExportFormat, target: string): string {
    const { dir } = this.exportFolder(runId, format)
    const dest = claimFolder(target, exportName(runId, format))
    fs.cpSync(dir, dest, { recursive: true })
    return dest
  }

  /** Asks the user for a folder in a native dialog (desktop only) and copies the export there. */
  async saveTo(runId: number, format: ExportFormat): Promise<{ path: string | null }> {
    this.exportFolder(runId, format)
    const picked = this.opts.pickPath ? await this.opts.pickPath({ folder: true }) : null
    return { path: picked ? this.copyTo(runId, format, picked) : null }
  }
}
