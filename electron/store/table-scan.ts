import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { StrataError } from '../../common/errors'
import { ColumnAccumulator } from './columns'
import { CsvReader, type CsvBatch, type CsvDialect } from './csv'
import type { Cells, RowChunk } from './table-rows'

/**
 * What reading a table file's records found, one batch at a time: per-column statistics, rows with the wrong number
 * of fields, the row store's chunks (each batch's byte range of the text; the rows stay in the file) and the class
 * numbers of the likely target's cells (so labels need no second pass). One scan can read the whole file, or two can
 * read its two halves at once (the second in a worker thread) and the first then {@link append}s the second.
 */
export class TableScan {
  readonly accumulators: ColumnAccumulator[]
  /** The likely target's cells as class numbers into its accumulator's labelValues (-1: missing). */
  likelyCodes: number[] = []
  readonly chunks: RowChunk[] = []
  /** Records read, ragged ones included. */
  records = 0
  /** Rows kept (records with the right number of fields). */
  rows = 0
  /** Bytes of decoded text read: where the next batch's text starts. */
  offset = 0

  constructor(
    readonly header: readonly string[],
    /** The column most likely to be the target (-1: none). */
    readonly likelyTarget: number,
    /** Told of each record with the wrong number of fields: its line and how many fields it has. */
    private readonly onRagged: (line: number, fields: number) => void
  ) {
    this.accumulators = header.map((name) => new ColumnAccumulator(name))
    this.likely?.numberLabels()
  }

  private get likely(): ColumnAccumulator | null {
    return this.likelyTarget >= 0 ? this.accumulators[this.likelyTarget] : null
  }

  /** Reads one batch: statistics of its rows (missing cells become null in place), ragged records, its chunk. */
  add({ rows, lines, text, line, header }: CsvBatch): void {
    const width = this.header.length
    const accumulators = this.accumulators
    const likely = this.likely
    const first = this.rows
    for (let r = 0; r < rows.length; r++) {
      const cells: Cells = rows[r]
      this.records++
      if (cells.length !== width) {
        this.onRagged(lines[r], cells.length)
        continue
      }
      // One pass over the cells: statistics, and missing cells become null in place.
      for (let i = 0; i < width; i++) if (accumulators[i].add(cells[i])) cells[i] = null
      if (likely) this.likelyCodes.push(likely.lastLabel)
      this.rows++
    }
    const length = Buffer.byteLength(text)
    if (this.rows > first) this.chunks.push({ first, count: this.rows - first, offset: this.offset, length, line, header })
    this.offset += length
  }

  /**
   * Takes in the scan of the records that follow this one's, read separately (a worker thread's, after a structured
   * clone), whose lines were counted from 1: `lineShift` is the line its text starts on, less one. Its ragged records
   * are told to this scan's `onRagged` in order, as if this scan had read them.
   */
  append(next: TableScanResult, lineShift: number): void {
    for (let i = 0; i < next.ragged.length; i += 2) this.onRagged(next.ragged[i] + lineShift, next.ragged[i + 1])
    next.accumulators.forEach((cloned, i) => {
      const codes = this.accumulators[i].merge(ColumnAccumulator.revive(cloned))
      if (i === this.likelyTarget) for (const c of next.likelyCodes) this.likelyCodes.push(c < 0 ? c : codes[c])
    })
    for (const chunk of next.chunks) {
      this.chunks.push({ ...chunk, first: chunk.first + this.rows, offset: chunk.offset + this.offset, line: chunk.line + lineShift })
    }
    this.records += next.records
    this.rows += next.rows
    this.offset += next.offset
  }

  /** What a worker thread posts back: this scan as plain data, its ragged records as (line, fields) pairs. */
  result(ragged: number[]): TableScanResult {
    return {
      accumulators: this.accumulators,
      likelyCodes: Int32Array.from(this.likelyCodes),
      chunks: this.chunks,
      records: this.records,
      rows: this.rows,
      offset: this.offset,
      ragged
    }
  }
}

/** A scan as a worker thread posts it (accumulators arrive as plain objects, see ColumnAccumulator.revive). */
export interface TableScanResult {
  accumulators: readonly unknown[]
  likelyCodes: Int32Array
  chunks: readonly RowChunk[]
  records: number
  rows: number
  offset: number
  /** Ragged records as pairs: line (counted from the scan's start, 1-based), fields found. */
  ragged: readonly number[]
}

/**
 * When a table file is read in two halves at once. A worker thread costs a few tens of milliseconds to start, about
 * what a few MiB of CSV take to read, so smaller files are read in one go. `workerFile`: the worker's script, when
 * not found beside this module's bundle (see {@link scanWorkerFile}). Tests lower the threshold to split small files.
 */
export const tableScanSettings: { splitMinBytes: number; workerFile: string | null } = { splitMinBytes: 4 << 20, workerFile: null }

/** The share of the file the calling thread reads itself: less than half, since the worker starts late and it also hashes the rest. */
const FIRST_PART_SHARE = 0.5

/** How long reading goes on before it lets the event loop handle other work (requests, a cancel). */
const YIELD_EVERY_MS = 10

/** Changes whenever the message between the importer and its worker changes, so a stale build is never used. */
export const SCAN_PROTOCOL = 1

/** What the importer asks its worker thread: scan the records from `start` (a record boundary) to the file's end. */
export interface ScanJob {
  protocol: number
  file: string
  dialect: Pick<CsvDialect, 'delimiter' | 'newline'>
  header: string[]
  likelyTarget: number
  start: number
}

/** What the worker thread posts: progress (bytes read of its part), its scan, or why it failed. */
export type ScanMessage = { kind: 'progress'; bytes: number } | { kind: 'done'; scan: TableScanResult; clean: boolean } | { kind: 'failed'; message: string }

/** Scans a table file from a record boundary to its end, as the worker thread does; lines are counted from 1. */
export async function scanToEnd(job: ScanJob, onProgress: (bytes: number) => void): Promise<Extract<ScanMessage, { kind: 'done' }>> {
  const ragged: number[] = []
  const scan = new TableScan(job.header, job.likelyTarget, (line, fields) => ragged.push(line, fields))
  const reader = new CsvReader(job.file, { ...job.dialect, hasHeader: false })
  await reader.read(
    { start: job.start },
    (batch, bytesRead) => {
      scan.add(batch)
      onProgress(bytesRead - job.start)
    },
    { last: true }
  )
  return { kind: 'done', scan: scan.result(ragged), clean: reader.clean }
}

/** The worker's script: beside this module's bundle (out/main), or the build's when running from source. */
export function scanWorkerFile(): string | null {
  const candidates = [tableScanSettings.workerFile, path.join(__dirname, 'csv-worker.js'), path.resolve(__dirname, '../../out/main/csv-worker.js')]
  return candidates.find((f): f is string => f !== null && fs.existsSync(f)) ?? null
}

/** The start of the first line at or after `share` of the file: where the second half starts, if one is found. */
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
let idle: { worker: Worker; file: string; timer: NodeJS.Timeout } | null = null

function takeWorker(file: string): Worker {
  if (idle && idle.file === file) {
    const { worker, timer } = idle
    idle = null
    clearTimeout(timer)
    worker.ref()
    return worker
  }
  return new Worker(file)
}

function keepWorker(worker: Worker, file: string, listeners: WorkerListeners): void {
  if (idle) void idle.worker.terminate()
  // Only this job's listeners: Worker keeps its own (they start and stop its message port).
  worker.off('message', listeners.message).off('error', listeners.error).off('exit', listeners.exit)
  worker.unref()
  const timer = setTimeout(() => {
    if (idle?.worker === worker) idle = null
    void worker.terminate()
  }, IDLE_WORKER_MS)
  timer.unref()
  idle = { worker, file, timer }
}

interface WorkerListeners {
  message: (m: ScanMessage) => void
  error: (err: Error) => void
  exit: (code: number) => void
}

function startHelper(workerFile: string, job: ScanJob, onProgress: (bytes: number) => void): Helper {
  const worker = takeWorker(workerFile)
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
  hooks: { onRagged: (line: number, fields: number) => void; onProgress: (bytesDone: number, total: number) => void; signal?: AbortSignal }
): Promise<ScannedTable> {
  const { signal } = hooks
  const size = (await fs.promises.stat(file)).size
  const scan = new TableScan(dialect.header, likelyTarget, hooks.onRagged)
  const reader = new CsvReader(file, dialect)
  const hash = crypto.createHash('sha256')
  const workerFile = size >= tableScanSettings.splitMinBytes && os.availableParallelism() > 1 ? scanWorkerFile() : null
  const split = workerFile ? await findSplit(file, size, dialect) : null
  let mine = 0
  let theirs = 0
  const report = () => hooks.onProgress(mine + theirs, size)
  const helper =
    workerFile && split !== null
      ? startHelper(workerFile, { protocol: SCAN_PROTOCOL, file, dialect: { delimiter: dialect.delimiter, newline: dialect.newline }, header: dialect.header, likelyTarget, start: split }, (bytes) => {
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
      await reader.read({ start: 0 }, onBatch, { last: true, signal, hash })
      return { scan, hash: hash.digest('hex'), bomBytes: reader.bomBytes, clean: reader.clean, parts: 1 }
    }
    await reader.read({ start: 0, end: split }, onBatch, { last: false, signal, hash })
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
    await reader.read({ start: split }, onBatch, { last: true, signal, hash: restHashed ? undefined : hash })
    return { scan, hash: hash.digest('hex'), bomBytes: reader.bomBytes, clean: reader.clean, parts: 1 }
  } finally {
    signal?.removeEventListener('abort', stopHelper)
    helper?.stop()
  }
}
