import fs from 'node:fs'
import Papa from 'papaparse'
import type { DecimalMark, TableReading, TextEncoding } from '../../common/contract/dataset'
import { parseNumberCell } from '../../common/data/cells'
import { StrataError } from '../../common/errors'
import { isMissing } from './columns'
import type { CsvDialect } from './csv-reader'

/** Delimiters tried when sniffing a table file, most common first. */
export const DELIMITERS = [',', ';', '\t', '|'] as const

const SAMPLE_BYTES = 64 * 1024


function fail(code: 'IMPORT_EMPTY_FILE' | 'IMPORT_BINARY_FILE' | 'IMPORT_HEADER_ONLY', file: string, detail?: string): never {
  throw new StrataError(code, { file }, detail)
}

/** True when the sample is valid UTF-8 (a code point cut at the sample's end is fine). */
function isUtf8(sample: Buffer, whole: boolean): boolean {
  let end = sample.length
  if (!whole) {
    // Back off an incomplete multi-byte sequence at the end of the sample.
    let i = end - 1
    while (i > 0 && end - i < 4 && (sample[i] & 0xc0) === 0x80) i--
    if (sample[i] >= 0xc0) end = i
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, end))
    return true
  } catch {
    return false
  }
}

/** Looks like text: no NUL characters and hardly any other control characters. */
function looksLikeText(text: string): boolean {
  let control = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0) return false
    if (c < 9 || (c > 13 && c < 32)) control++
  }
  return control <= text.length / 100
}

/**
 * The text encoding of a file from its first bytes: a BOM names UTF-8 or UTF-16; otherwise valid UTF-8 is UTF-8,
 * and other bytes without NULs are read as Windows-1252 (Latin-1 and its Western European additions, what
 * spreadsheets on Windows save). Null for binary files.
 */
export function detectEncoding(sample: Buffer, whole: boolean): TextEncoding | null {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8'
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le'
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be'
  if (sample.includes(0)) return null
  return isUtf8(sample, whole) ? 'utf-8' : 'windows-1252'
}

/** Numbers written with a decimal comma: `5,1`, `-0,25`, `1.234,5`. */
const COMMA_DECIMAL = /^[+-]?(\d+|\d{1,3}(\.\d{3})+),\d+$/

/**
 * The decimal mark of a table from its first rows: a comma when the file is not comma-separated and some column's
 * values are all numbers under a decimal comma, at least one of them written with one (`5,1`), and no column is
 * made of decimal-point numbers (`5.1`).
 */
export function detectDecimal(rows: string[][], delimiter: string): DecimalMark {
  if (delimiter === ',' || !rows.length) return '.'
  let comma = 0
  let point = 0
  const width = rows[0].length
  for (let c = 0; c < width; c++) {
    const values = rows.map((r) => r[c] ?? '').filter((v) => !isMissing(v)).map((v) => v.trim())
    if (!values.length) continue
    if (values.some((v) => COMMA_DECIMAL.test(v)) && values.every((v) => parseNumberCell(v, ',') !== null)) comma++
    else if (values.some((v) => /\d\.\d/.test(v)) && values.every((v) => parseNumberCell(v, '.') !== null)) point++
  }
  return comma > point ? ',' : '.'
}

function guessNewline(text: string): CsvDialect['newline'] {
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '"') quoted = !quoted
    else if (!quoted && c === '\n') return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n'
    else if (!quoted && c === '\r' && text[i + 1] !== '\n') return '\r'
  }
  return '\n'
}

function guessDelimiter(text: string, newline: string, wholeFile: boolean): string {
  let best: { delimiter: string; score: number } = { delimiter: ',', score: -1 }
  for (const delimiter of DELIMITERS) {
    const parsed = Papa.parse<string[]>(text, { delimiter, newline: newline as '\n', preview: 100, skipEmptyLines: true })
    const rows = wholeFile ? parsed.data : parsed.data.slice(0, -1)
    if (!rows.length) continue
    const widths = new Map<number, number>()
    for (const r of rows) widths.set(r.length, (widths.get(r.length) ?? 0) + 1)
    const [width, agreeing] = [...widths.entries()].sort((a, b) => b[1] - a[1])[0]
    if (width < 2) continue
    const score = (agreeing / rows.length) * 1000 + width
    if (score > best.score) best = { delimiter, score }
  }
  return best.delimiter
}

function looksNumeric(value: string): boolean {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim())
}

/**
 * A first row is a header when its cells are all present and not numbers, and at least one
 * of them is not the same kind of value as the rest of its column (or there are no other rows to compare).
 */
export function detectHeader(rows: string[][]): boolean {
  const [first, ...rest] = rows
  if (!first) return false
  const cells = first.map((c) => c.trim())
  // Repeated names (`x,x,label`) may still be a header: they are made unique, visibly (see uniqueNames).
  if (cells.some((c) => c === '' || looksNumeric(c))) return false
  if (!rest.length) return true
  return cells.some((cell, i) => {
    const column = rest.map((r) => r[i] ?? '').filter((v) => !isMissing(v))
    if (!column.length) return true
    if (column.every(looksNumeric)) return true
    return !column.includes(cell) && column.some((v) => v.trim() !== cell)
  })
}

/** What sniffing a table file found: its dialect, and how it was read (for the dataset to show). */
export interface SniffedTable extends CsvDialect {
  reading: Omit<TableReading, 'json'>
}

/**
 * Reads the start of a table file and works out its encoding, delimiter, line ending, header and decimal mark
 * (each one the user chose is taken as it is); refuses empty and binary files.
 */
export async function sniffCsv(
  file: string,
  choices: { encoding?: TextEncoding; decimal?: DecimalMark; /** A file Strata wrote itself (JSON as CSV): comma-separated with a header. */ written?: boolean } = {}
): Promise<SniffedTable> {
  const handle = await fs.promises.open(file, 'r')
  let sample: Buffer
  let size: number
  try {
    size = (await handle.stat()).size
    sample = Buffer.alloc(Math.min(SAMPLE_BYTES, size))
    await handle.read(sample, 0, sample.length, 0)
  } finally {
    await handle.close()
  }
  if (size === 0) fail('IMPORT_EMPTY_FILE', file)
  const encoding = choices.encoding ?? detectEncoding(sample, size <= SAMPLE_BYTES)
  if (!encoding) fail('IMPORT_BINARY_FILE', file)
  let text = new TextDecoder(encoding, { ignoreBOM: true }).decode(sample, { stream: size > SAMPLE_BYTES })
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (!looksLikeText(text)) fail('IMPORT_BINARY_FILE', file)
  if (text.trim() === '') fail('IMPORT_EMPTY_FILE', file)
  const newline = guessNewline(text)
  const wholeFile = size <= SAMPLE_BYTES
  const delimiter = choices.written ? ',' : guessDelimiter(text, newline, wholeFile)
  const parsed = Papa.parse<string[]>(text, { delimiter, newline: newline as '\n', preview: 50, skipEmptyLines: true })
  const rows = wholeFile ? parsed.data : parsed.data.slice(0, Math.max(1, parsed.data.length - 1))
  const hasHeader = choices.written || detectHeader(rows)
  const width = rows[0]?.length ?? 1
  const named = hasHeader ? uniqueNames(rows[0]) : { names: Array.from({ length: width }, (_, i) => `column_${i + 1}`), renamed: [] }
  const decimal = choices.decimal ?? detectDecimal(hasHeader ? rows.slice(1) : rows, delimiter)
  return {
    delimiter,
    newline,
    hasHeader,
    header: named.names,
    encoding,
    decimal,
    reading: { encoding, encodingDetected: Boolean(choices.written) || !choices.encoding, decimal, renamed: named.renamed }
  }
}

/** Header names made unique: a repeated name gets `_2`, `_3`… (never one another column already has), and is listed. */
export function uniqueNames(cells: readonly string[]): { names: string[]; renamed: TableReading['renamed'] } {
  const names: string[] = []
  const renamed: TableReading['renamed'] = []
  const taken = new Set(cells.map((c) => c.trim()))
  const used = new Set<string>()
  cells.forEach((raw, i) => {
    const base = raw.trim() || `column_${i + 1}`
    let name = base
    for (let n = 2; used.has(name); n++) {
      name = `${base}_${n}`
      if (taken.has(name)) name = base
    }
    if (raw.trim() && name !== base) renamed.push({ position: i, from: base, to: name })
    used.add(name)
    names.push(name)
  })
  return { names, renamed }
}
