/**
 * Scanning a table file's records, and the messages of the import's worker thread. Free of the rest of the app (no
 * errors catalogue, no schemas), so that the worker starts quickly; scanTableFile reads a file in two halves at once.
 */
import { ColumnAccumulator, type CellReading } from './columns'
import { CsvReader, type CsvBatch, type CsvDialect } from './csv-reader'
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
    private readonly onRagged: (line: number, fields: number) => void,
    /** How each column's cells are read (decimal mark, missing spellings); the defaults where left out. */
    readings: ReadonlyArray<CellReading | undefined> = []
  ) {
    this.accumulators = header.map((name, i) => new ColumnAccumulator(name, readings[i]))
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

/** Changes whenever the message between the importer and its worker changes, so a stale build is never used. */
export const SCAN_PROTOCOL = 2

/** What the importer asks its worker thread: scan the records from `start` (a record boundary) to the file's end. */
export interface ScanJob {
  kind: 'scan'
  protocol: number
  file: string
  dialect: Pick<CsvDialect, 'delimiter' | 'newline' | 'encoding'>
  header: string[]
  readings: CellReading[]
  likelyTarget: number
  start: number
}

/**
 * Asks a worker just started to run the scan over generated rows, so that its code is compiled (optimised) before
 * the import that needs it: a worker compiling while it reads is several times slower, and on few cores competes with
 * the importer for them. Nothing is posted back.
 */
export interface WarmJob {
  kind: 'warm'
  protocol: number
}

/** What the worker thread posts: progress (bytes read of its part), its scan, or why it failed. */
export type ScanMessage = { kind: 'progress'; bytes: number } | { kind: 'done'; scan: TableScanResult; clean: boolean } | { kind: 'failed'; message: string }

/** Scans a table file from a record boundary to its end, as the worker thread does; lines are counted from 1. */
export async function scanToEnd(job: ScanJob, onProgress: (bytes: number) => void): Promise<Extract<ScanMessage, { kind: 'done' }>> {
  const ragged: number[] = []
  const scan = new TableScan(job.header, job.likelyTarget, (line, fields) => ragged.push(line, fields), job.readings)
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

/**
 * Runs the scan over generated rows of every common kind (numbers, decimals, categories, booleans, quoted cells with
 * delimiters, missing values), from memory, so that a worker's code is compiled before an import needs it.
 */
export async function warmUpScan(rows: number, passes: number): Promise<void> {
  const lines = ['id,amount,city,active,note,label']
  for (let i = 0; i < rows; i++) {
    const amount = i % 17 === 0 ? 'NA' : ((i * 7.31) % 900).toFixed(2)
    lines.push(`${i},${amount},${['Paris', 'Lyon', 'Nice'][i % 3]},${i % 2 ? 'yes' : 'no'},"note ${i % 50}, ok",${i % 3 ? 'a' : 'b'}`)
  }
  const text = lines.join('\n') + '\n'
  for (let pass = 0; pass < passes; pass++) {
    const scan = new TableScan(lines[0].split(','), 5, () => undefined)
    // No file: the reader is only given text.
    await new CsvReader('', { delimiter: ',', newline: '\n', hasHeader: true }).readText(text, (batch) => scan.add(batch))
  }
}
