/**
 * Reading a table file's records, a byte range at a time, and reading stored pieces of its text again. Free of the
 * rest of the app (no errors catalogue, no schemas), so that the import's worker thread starts quickly.
 */
import type crypto from 'node:crypto'
import fs from 'node:fs'
import { TextDecoder } from 'node:util'
import Papa from 'papaparse'
import type { DecimalMark, TextEncoding } from '../../common/contract/dataset'

/**
 * Bytes read (and parsed) at a time. papaparse is much slower on large pieces of text than on 64 KiB ones (see
 * scripts/bench/README.md), and each piece becomes one chunk of the row store, read whole for a page of the preview.
 */
export const CSV_READ_BYTES = 64 * 1024

/**
 * The longest field and the longest record (one line, or several when a quoted field holds line breaks) a table may
 * have, in characters. They bound what reading holds in memory and how long it takes: without them a file of one
 * 1 GiB line was parsed again with every piece read, for minutes, growing past 2 GB.
 */
export const CSV_LIMITS = { fieldChars: 1 << 20, recordChars: 2 << 20 }

/** A record or field longer than {@link CSV_LIMITS}: which, and the line it starts on. */
export class CsvLimitError extends Error {
  constructor(
    readonly limit: 'field' | 'record',
    readonly line: number
  ) {
    super(`the ${limit} starting on line ${line} is longer than ${limit === 'field' ? CSV_LIMITS.fieldChars : CSV_LIMITS.recordChars} characters`)
    this.name = 'CsvLimitError'
  }
}

/** How a table file is written: what sniffing its start found (see sniffCsv). */
export interface CsvDialect {
  delimiter: string
  newline: '\n' | '\r\n' | '\r'
  hasHeader: boolean
  /** Column names: the header (repeated names made unique), or `column_1`… when there is none. */
  header: string[]
  /** The file's text encoding. */
  encoding: TextEncoding
  /** The decimal mark its numbers are written with. */
  decimal: DecimalMark
}

/**
 * A decoder of a file's bytes that keeps a BOM in the text (the reader drops it itself and counts its bytes: the
 * text's byte ranges must match the file's).
 */
function decoderFor(encoding: TextEncoding): TextDecoder {
  return new TextDecoder(encoding, { ignoreBOM: true })
}

/** Bytes of the BOM an encoding starts a file with. */
function bomLength(encoding: TextEncoding): number {
  return encoding === 'utf-8' ? 3 : encoding === 'windows-1252' ? 0 : 2
}

/** How many times `char` occurs in `text`. */
function countChar(text: string, char: string): number {
  let n = 0
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) n++
  return n
}

/** The character that ends a line of a dialect ('\n' also ends '\r\n' lines). */
function lineEnd(newline: CsvDialect['newline']): string {
  return newline === '\r' ? '\r' : '\n'
}

/**
 * Turns parsed records into rows with the line each starts on (1-based, counting the header): skips blank lines
 * and, once, the header. The import and every later read of the stored text walk records the same way.
 */
class RecordWalker {
  constructor(
    public line: number,
    public headerPending: boolean,
    private readonly eol: string
  ) {}

  /** `oneLineEach`: the caller knows no cell holds a line break, so lines need not be counted cell by cell. */
  walk(data: string[][], oneLineEach: boolean, rows: string[][], lines: number[]): void {
    for (const cells of data) {
      const start = this.line
      if (!oneLineEach) for (const cell of cells) this.line += countChar(cell, this.eol)
      this.line++
      if (cells.length === 1 && cells[0] === '') continue
      if (this.headerPending) {
        this.headerPending = false
        continue
      }
      rows.push(cells)
      lines.push(start)
    }
  }
}

/**
 * A batch of records of a table file: their cells and lines, and the exact text they were parsed from with where it
 * starts (so the text can be stored and parsed again into the same rows by {@link readCsvText}).
 */
export interface CsvBatch {
  rows: string[][]
  lines: number[]
  /** The text of the batch's records (the file decoded as UTF-8, without a BOM). */
  text: string
  /** The line the text starts on. */
  line: number
  /** True when the text holds the header record. */
  header: boolean
}

/** Where reading has got to: the next range starts there. */
export interface CsvReadFrom {
  /** The line the range starts on (1-based, counting the header). */
  line: number
  /** True while the header record is still to be skipped. */
  headerPending: boolean
}

/**
 * Reads the records of a table file in batches, a byte range at a time: quoted fields may hold delimiters and line
 * breaks, a UTF-8 BOM at the file's start is dropped, blank lines are skipped. What a range ends in the middle of (an
 * unfinished record, the line count, the header still to skip, part of a UTF-8 sequence) is carried into the next
 * range, so ranges read one after the other give the same batches as the whole file read at once.
 */
export class CsvReader {
  private readonly parser: Papa.Parser
  private readonly walker: RecordWalker
  private readonly eol: string
  private readonly decoder: TextDecoder
  private readonly encoding: TextEncoding
  /** The text after the last complete record read so far: empty when a range ended exactly between records. */
  pending = ''
  /** Bytes of the BOM the file starts with (0, or 3 in UTF-8). */
  bomBytes = 0
  /** False once the decoded text differs from the bytes: some bytes were not UTF-8, or the file is in another encoding. */
  clean: boolean

  /** Lines are counted from 1 where the first range read starts; `hasHeader`: its first record is the header. */
  constructor(
    private readonly file: string,
    dialect: Pick<CsvDialect, 'delimiter' | 'newline' | 'hasHeader'> & { encoding?: TextEncoding }
  ) {
    this.parser = new Papa.Parser({ delimiter: dialect.delimiter, newline: dialect.newline as '\n', quoteChar: '"' })
    this.eol = lineEnd(dialect.newline)
    this.walker = new RecordWalker(1, dialect.hasHeader, this.eol)
    this.encoding = dialect.encoding ?? 'utf-8'
    this.decoder = decoderFor(this.encoding)
    this.clean = this.encoding === 'utf-8'
  }

  /** Where the next range starts, as {@link CsvReadFrom}. */
  get position(): CsvReadFrom {
    return { line: this.walker.line, headerPending: this.walker.headerPending }
  }

  /**
   * Reads bytes [start, end) of the file (to its end when `end` is left out), handing each batch of complete records
   * to `onBatch` with the file position read up to. `last`: nothing follows, so the text left is the last record.
   * `hash` is updated with every byte read.
   */
  async read(
    range: { start: number; end?: number },
    onBatch: (batch: CsvBatch, bytesRead: number) => Promise<void> | void,
    opts: { last: boolean; hash?: crypto.Hash }
  ): Promise<void> {
    const { hash } = opts
    let position = range.start
    const stream = fs.createReadStream(this.file, { highWaterMark: CSV_READ_BYTES, start: range.start, end: range.end === undefined ? undefined : range.end - 1 })
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash?.update(chunk)
      let text = this.decoder.decode(chunk, { stream: true })
      if (position === 0 && text.charCodeAt(0) === 0xfeff) {
        text = text.slice(1)
        this.bomBytes = bomLength(this.encoding)
      }
      position += chunk.length
      await this.emit(this.pending + text, false, onBatch, position)
    }
    if (opts.last) await this.emit(this.pending + this.decoder.decode(), true, onBatch, position)
  }

  /** Reads records from text already in memory, in pieces of the size a file is read in (as if it were a whole file). */
  async readText(text: string, onBatch: (batch: CsvBatch, bytesRead: number) => Promise<void> | void): Promise<void> {
    for (let at = 0; at < text.length; at += CSV_READ_BYTES) await this.emit(this.pending + text.slice(at, at + CSV_READ_BYTES), false, onBatch, at)
    await this.emit(this.pending, true, onBatch, text.length)
  }

  /** Refuses a batch holding a field or a record over the limits (only batches longer than a field may hold one). */
  private checkLengths(data: string[][]): void {
    let line = this.walker.line
    for (const cells of data) {
      let chars = 0
      for (const cell of cells) {
        if (cell.length > CSV_LIMITS.fieldChars) throw new CsvLimitError('field', line)
        chars += cell.length
      }
      if (chars > CSV_LIMITS.recordChars) throw new CsvLimitError('record', line)
      for (const cell of cells) line += countChar(cell, this.eol)
      line++
    }
  }

  private async emit(text: string, last: boolean, onBatch: (batch: CsvBatch, bytesRead: number) => Promise<void> | void, bytesRead: number): Promise<void> {
    const result = this.parser.parse(text, 0, !last) as { data: string[][]; meta: { cursor: number } }
    const consumed = last ? text.length : result.meta.cursor
    this.pending = last ? '' : text.slice(consumed)
    // The record still unfinished is carried and parsed again with the next piece: it must stay short.
    if (this.pending.length > CSV_LIMITS.recordChars) throw new CsvLimitError('record', this.walker.line + countChar(text.slice(0, consumed), this.eol))
    const batchText = consumed === text.length ? text : text.slice(0, consumed)
    if (batchText.length > CSV_LIMITS.fieldChars) this.checkLengths(result.data)
    if (this.clean && batchText.includes('\uFFFD')) this.clean = false
    // Complete records each end with one line break, so when the consumed text has no more breaks than records,
    // no cell holds one and each record is one line. (The last piece is counted cell by cell.)
    const oneLineEach = !last && countChar(batchText, this.eol) === result.data.length
    const batch: CsvBatch = { rows: [], lines: [], text: batchText, line: this.walker.line, header: this.walker.headerPending }
    this.walker.walk(result.data, oneLineEach, batch.rows, batch.lines)
    if (batchText.length) await onBatch(batch, bytesRead)
  }
}

/** Writes a table file's text as UTF-8 without its BOM (what {@link CsvBatch} texts are slices of) to `target`. */
export async function writeDecodedText(file: string, target: string, encoding: TextEncoding = 'utf-8'): Promise<void> {
  const out = fs.createWriteStream(target)
  const decoder = decoderFor(encoding)
  let first = true
  for await (const chunk of fs.createReadStream(file, { highWaterMark: CSV_READ_BYTES }) as AsyncIterable<Buffer>) {
    let text = decoder.decode(chunk, { stream: true })
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    first = false
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  out.end(decoder.decode())
  await new Promise<void>((resolve, reject) => out.on('finish', () => resolve()).on('error', reject))
}

/** Where a stored batch text lies in a file, and how to read it again. */
export interface CsvTextRange {
  offset: number
  length: number
  line: number
  header: boolean
}

/** Parses a stored batch text (see {@link CsvBatch}) again: the same rows, with their lines, as when it was imported. */
export function readCsvText(fd: number, range: CsvTextRange, dialect: Pick<CsvDialect, 'delimiter' | 'newline'>): { rows: string[][]; lines: number[] } {
  const bytes = Buffer.alloc(range.length)
  let read = 0
  while (read < range.length) {
    const n = fs.readSync(fd, bytes, read, range.length - read, range.offset + read)
    if (n === 0) break
    read += n
  }
  const parser = new Papa.Parser({ delimiter: dialect.delimiter, newline: dialect.newline as '\n', quoteChar: '"' })
  const result = parser.parse(bytes.toString('utf8', 0, read), 0, false) as { data: string[][] }
  const out = { rows: [] as string[][], lines: [] as number[] }
  new RecordWalker(range.line, range.header, lineEnd(dialect.newline)).walk(result.data, false, out.rows, out.lines)
  return out
}
