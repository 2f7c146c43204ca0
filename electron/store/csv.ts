import fs from 'node:fs'
import Papa from 'papaparse'
import { StrataError } from '../../common/errors'
import { isMissing } from './columns'
import type { CsvDialect } from './csv-reader'

/** Delimiters tried when sniffing a table file, most common first. */
export const DELIMITERS = [',', ';', '\t', '|'] as const

const SAMPLE_BYTES = 64 * 1024


function fail(code: 'IMPORT_EMPTY_FILE' | 'IMPORT_BINARY_FILE' | 'IMPORT_HEADER_ONLY', file: string, detail?: string): never {
  throw new StrataError(code, { file }, detail)
}

/** Looks like text: no NUL bytes and valid UTF-8 (a code point cut at the sample's end is fine). */
function looksLikeText(sample: Buffer, whole: boolean): boolean {
  if (sample.includes(0)) return false
  let end = sample.length
  if (!whole) {
    // Back off an incomplete multi-byte sequence at the end of the sample.
    let i = end - 1
    while (i > 0 && end - i < 4 && (sample[i] & 0xc0) === 0x80) i--
    if (sample[i] >= 0xc0) end = i
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, end))
  } catch {
    return false
  }
  let control = 0
  for (let i = 0; i < end; i++) {
    const b = sample[i]
    if (b < 9 || (b > 13 && b < 32)) control++
  }
  return control <= end / 100
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
 * A first row is a header when its cells are all present, distinct and not numbers, and at least one
 * of them is not the same kind of value as the rest of its column (or there are no other rows to compare).
 */
export function detectHeader(rows: string[][]): boolean {
  const [first, ...rest] = rows
  if (!first) return false
  const cells = first.map((c) => c.trim())
  if (cells.some((c) => c === '' || looksNumeric(c)) || new Set(cells).size !== cells.length) return false
  if (!rest.length) return true
  return cells.some((cell, i) => {
    const column = rest.map((r) => r[i] ?? '').filter((v) => !isMissing(v))
    if (!column.length) return true
    if (column.every(looksNumeric)) return true
    return !column.includes(cell) && column.some((v) => v.trim() !== cell)
  })
}

/** Reads the start of a table file and works out its delimiter, line ending and header; refuses empty and binary files. */
export async function sniffCsv(file: string): Promise<CsvDialect> {
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
  if (!looksLikeText(sample, size <= SAMPLE_BYTES)) fail('IMPORT_BINARY_FILE', file)
  let text = sample.toString('utf8')
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (text.trim() === '') fail('IMPORT_EMPTY_FILE', file)
  const newline = guessNewline(text)
  const wholeFile = size <= SAMPLE_BYTES
  const delimiter = guessDelimiter(text, newline, wholeFile)
  const parsed = Papa.parse<string[]>(text, { delimiter, newline: newline as '\n', preview: 50, skipEmptyLines: true })
  const rows = wholeFile ? parsed.data : parsed.data.slice(0, Math.max(1, parsed.data.length - 1))
  const hasHeader = detectHeader(rows)
  const width = rows[0]?.length ?? 1
  const header = hasHeader ? uniqueNames(rows[0]) : Array.from({ length: width }, (_, i) => `column_${i + 1}`)
  return { delimiter, newline, hasHeader, header }
}

function uniqueNames(cells: string[]): string[] {
  const seen = new Map<string, number>()
  return cells.map((raw, i) => {
    const base = raw.trim() || `column_${i + 1}`
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    return n ? `${base}_${n + 1}` : base
  })
}
