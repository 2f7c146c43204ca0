import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { StrataError } from '../../common/errors'
import type { CsvBatch, CsvDialect } from './csv-reader'
import { CsvReader } from './csv-reader'
import { SCAN_PROTOCOL, TableScan, type ScanJob, type ScanMessage, type WarmJob } from './table-scan'
import type { CellReading } from './columns'

/**
 * When a table file is read in two halves at once. Starting a worker thread costs about what reading a few MiB of CSV
 * does (scripts/bench/README.md), so smaller files are read in one go (`splitMinBytes`). On a machine with two or
 * three cores a worker that must first be started competes with the reading for them (its start, and both threads'
 * compiling), which costs more than it saves below `coldSplitMinBytes`: there, a file is read in halves only when a
 * worker kept from an earlier import is ready, and one is started after the import for the next.
 * `workerFile`: the worker's script, when not found beside this module's bundle (see {@link scanWorkerFile}).
 * Tests lower the thresholds to split small files.
 */
export const tableScanSettings: { splitMinBytes: number; coldSplitMinBytes: number; workerFile: string | null } = {
  splitMinBytes: 4 << 20,
  coldSplitMinBytes: 64 << 20,
  workerFile: null
}

/** The share of the file the calling thread reads itself (it also sniffs the file first, and hashes the rest while the worker finishes). */
const FIRST_PART_SHARE = 0.5

/** How long reading goes on before it lets the event loop handle other work (requests, a cancel). */
const YIELD_EVERY_MS = 10

/** The worker's script: beside this module's bundle (out/main), or the build's when running from source. */
export function scanWorkerFile(): string | null {
  const candidates = [tableScanSettings.workerFile, path.join(__dirname, 'csv-worker.js'), path.resolve(__dirname, '../../out/main/csv-worker.js')]
  return candidates.find((f): f is string => f !== null && fs.existsSync(f)) ?? null
}

/** The start of the first line past {@link FIRST_PART_SHARE} of the file: where the second half starts, if one is found. */
async function findSplit(file: string, size: number, dialect: Pick<CsvDialect, 'newline'>): Promise<number | null> {
  const from = Math.floor(size * FIRST_PART_SHARE)
  const handle = await fs.promises.open(file, 'r')
  try {
    const window = Buffer.alloc(Math.min(1 << 16, size - from))
    const { bytesRead } = await handle.read(window, 0, window.length, from)
    const at = window.subarray(0, bytesRead).indexOf(dialect.newline === '\r' ? 0x0d : 0x0a)
    return at < 0 || from + at + 1 >= size ? null : from + at + 1
  } finally {
    await handle.close()
  }
}

/** A worker thread scanning the second half: its result, and how to stop it. */
interface Helper {
  result: Promise<Extract<ScanMessage, { kind: 'done' }>>
  stop: () => void
}

/** How long a worker thread waits for the next import before it ends. */
const IDLE_WORKER_MS = 60_000

/**
 * The worker thread kept between imports: starting one (and compiling the scan's code in it) costs more than reading a
 * few MiB, so it is kept a minute for the next import, unreferenced so it never keeps the process alive.
 */
let idle: { worker: Worker; file: string; timer: NodeJS.Timeout; gone: () => void } | null = null

/** A new worker thread, or null where none can start (the import then reads on its own). */
function newWorker(file: string): Worker | null {
  try {
    return new Worker(file)
  } catch {
    return null
  }
}

function takeWorker(file: string): Worker | null {
  if (idle && idle.file === file) {
    const { worker, timer, gone } = idle
    idle = null
    clearTimeout(timer)
    worker.off('error', gone).off('exit', gone)
    worker.ref()
    return worker
  }
  return newWorker(file)
}

/** Ends the worker kept for the next import, if any (the next large import starts a new one). */
export function releaseScanWorker(): void {
  const kept = idle
  if (!kept) return
  kept.gone()
  void kept.worker.terminate()
}

/** Keeps a worker for the next import (after its job, without that job's listeners; or one just started). */
function keepWorker(worker: Worker, file: string, listeners?: WorkerListeners): void {
  if (idle) void idle.worker.terminate()
  // Only this job's listeners: Worker keeps its own (they start and stop its message port).
  if (listeners) worker.off('message', listeners.message).off('error', listeners.error).off('exit', listeners.exit)
  worker.unref()
  // A kept worker that fails or ends is forgotten (and never throws its error at the process).
  const gone = () => {
    if (idle?.worker !== worker) return
    clearTimeout(idle.timer)
    idle = null
  }
  worker.on('error', gone).on('exit', gone)
  const timer = setTimeout(() => void worker.terminate(), IDLE_WORKER_MS)
  timer.unref()
  idle = { worker, file, timer, gone }
}

interface WorkerListeners {
  message: (m: ScanMessage) => void
  error: (err: Error) => void
  exit: (code: number) => void
}

function startHelper(workerFile: string, job: ScanJob, onProgress: (bytes: number) => void): Helper | null {
  const worker = takeWorker(workerFile)
  if (!worker) return null
  let settled = false
  const result = new Promise<Extract<ScanMessage, { kind: 'done' }>>((resolve, reject) => {
    const listeners: WorkerListeners = {
      message: (m) => {
        if (m.kind === 'progress') return onProgress(m.bytes)
        settled = true
        if (m.kind === 'done') {
          keepWorker(worker, workerFile, listeners)
          resolve(m)
        } else {
          void worker.terminate()
          reject(new Error(m.message))
        }
      },
      error: reject,
      exit: (code) => reject(new Error(`the import's worker thread stopped (exit code ${code})`))
    }
    worker.on('message', listeners.message).on('error', listeners.error).on('exit', listeners.exit)
  })
  result.catch(() => undefined)
  worker.postMessage(job)
  // Stopped before it finished (a cancel, or its half is not needed): it may be mid-scan, so it ends.
  return { result, stop: () => void (settled || worker.terminate()) }
}

async function hashRange(file: string, start: number, hash: crypto.Hash): Promise<void> {
  for await (const chunk of fs.createReadStream(file, { start, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) hash.update(chunk)
}

/** What scanning a whole table file found. */
export interface ScannedTable {
  scan: TableScan
  /** SHA-256 of the file's bytes. */
  hash: string
  /** Bytes of the UTF-8 BOM the file starts with (0 or 3). */
  bomBytes: number
  /** False when some bytes were not UTF-8. */
  clean: boolean
  /** How many parts were read at once: 2 when a worker thread read the second half, else 1. */
  parts: number
}

/**
 * Reads every record of a table file into a {@link TableScan}. A large file on a machine with more than one core is
 * read in two halves at once: this thread reads the first, a worker thread the second from the first line break past
 * the middle. That is only right if the first half ends between records (a quoted cell can hold a line break), which
 * reading it tells: when it does not, or the worker fails, this thread reads the second half itself. Either way the
 * result is the one reading the file in one go gives. Cancelling stops both.
 */
export async function scanTableFile(
  file: string,
  dialect: CsvDialect,
  likelyTarget: number,
  hooks: { onRagged: (line: number, fields: number) => void; onProgress: (bytesDone: number, total: number) => void; signal?: AbortSignal; readings?: CellReading[] }
): Promise<ScannedTable> {
  const { signal } = hooks
  const readings = hooks.readings ?? []
  const size = (await fs.promises.stat(file)).size
  const scan = new TableScan(dialect.header, likelyTarget, hooks.onRagged, readings)
  const reader = new CsvReader(file, dialect)
  const hash = crypto.createHash('sha256')
  const cores = os.availableParallelism()
  // The second half starts at a line-break byte: right in single-byte and UTF-8 text, not in UTF-16.
  const byteLines = dialect.encoding === 'utf-8' || dialect.encoding === 'windows-1252'
  const splittable = cores > 1 && byteLines && size >= tableScanSettings.splitMinBytes
  const workerFile = splittable ? scanWorkerFile() : null
  const ready = workerFile !== null && idle?.file === workerFile
  const split = workerFile && (ready || cores >= 4 || size >= tableScanSettings.coldSplitMinBytes) ? await findSplit(file, size, dialect) : null
  let mine = 0
  let theirs = 0
  const report = () => hooks.onProgress(mine + theirs, size)
  const helper =
    workerFile && split !== null
      ? startHelper(workerFile, { kind: 'scan', protocol: SCAN_PROTOCOL, file, dialect: { delimiter: dialect.delimiter, newline: dialect.newline, encoding: dialect.encoding }, header: dialect.header, likelyTarget, start: split, readings }, (bytes) => {
          theirs = bytes
          report()
        })
      : null
  let lastYield = performance.now()
  const onBatch = async (batch: CsvBatch, bytesRead: number): Promise<void> => {
    if (signal?.aborted) throw new StrataError('IMPORT_CANCELLED')
    scan.add(batch)
    mine = bytesRead
    report()
    // Let other requests (and a cancel) through every few milliseconds.
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve))
      lastYield = performance.now()
    }
  }
  const stopHelper = () => helper?.stop()
  signal?.addEventListener('abort', stopHelper)
  try {
    if (!helper || split === null) {
      await reader.read({ start: 0 }, onBatch, { last: true, hash })
      // Started (and its code compiled) now, a worker is ready for the next large import without slowing this one.
      const worker = workerFile && !idle ? newWorker(workerFile) : null
      if (worker && workerFile) {
        keepWorker(worker, workerFile)
        worker.postMessage({ kind: 'warm', protocol: SCAN_PROTOCOL } satisfies WarmJob)
      }
      return { scan, hash: hash.digest('hex'), bomBytes: reader.bomBytes, clean: reader.clean, parts: 1 }
    }
    await reader.read({ start: 0, end: split }, onBatch, { last: false, hash })
    let restHashed = false
    if (reader.pending === '' && !reader.position.headerPending) {
      // The first half ended between records: the worker's scan is right. Hash the rest while it finishes.
      await hashRange(file, split, hash)
      restHashed = true
      const theirScan = await helper.result.catch(() => null)
      if (signal?.aborted) throw new StrataError('IMPORT_CANCELLED')
      if (theirScan) {
        scan.append(theirScan.scan, reader.position.line - 1)
        return { scan, hash: hash.digest('hex'), bomBytes: reader.bomBytes, clean: reader.clean && theirScan.clean, parts: 2 }
      }
    }
    // The halves do not meet between records (or the worker failed): read the rest here.
    helper.stop()
    theirs = 0
    await reader.read({ start: split }, onBatch, { last: true, hash: restHashed ? undefined : hash })
    return { scan, hash: hash.digest('hex'), bomBytes: reader.bomBytes, clean: reader.clean, parts: 1 }
  } finally {
    signal?.removeEventListener('abort', stopHelper)
    helper?.stop()
  }
}
