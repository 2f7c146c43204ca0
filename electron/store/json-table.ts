import fs from 'node:fs'
import { TextDecoder } from 'node:util'
import path from 'node:path'
import readline from 'node:readline'
import { Transform } from 'node:stream'
import { StrataError } from '../../common/errors'
import { detectEncoding } from './csv'

/** File names read as JSON whatever their first character. */
const JSON_EXTENSIONS = new Set(['.json', '.jsonl', '.ndjson'])

/** Largest JSON array file read (it is parsed whole); JSON Lines files are read a line at a time, of any size. */
export const MAX_JSON_ARRAY_BYTES = 256 * 1024 * 1024

/** A JSON value as a table cell: text as it is, numbers and yes/no as JSON writes them, null as an empty cell, nested values as JSON. */
function cellOf(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

/** A cell as CSV writes it: quoted when it holds a comma, a quote, a line break or spaces at an end. */
function csvField(cell: string): string {
  // (The quote is written \u0022 in the pattern so no tool takes it for the start of a string.)
  return /[\u0022,\r\n]|^\s|\s$/.test(cell) ? `"${cell.replace(/\u0022/g, '""')}"` : cell
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The first non-space character of a file, and its text encoding. */
async function firstCharacter(file: string): Promise<{ char: string; encoding: ReturnType<typeof detectEncoding> }> {
  const handle = await fs.promises.open(file, 'r')
  try {
    const sample = Buffer.alloc(4096)
    const { bytesRead } = await handle.read(sample, 0, sample.length, 0)
    const bytes = sample.subarray(0, bytesRead)
    const encoding = detectEncoding(bytes, bytesRead < sample.length)
    if (!encoding) return { char: '', encoding }
    const text = new TextDecoder(encoding).decode(bytes)
    return { char: text.trimStart().charAt(0), encoding }
  } finally {
    await handle.close()
  }
}

/** Writes rows (objects) as CSV with the union of their keys as the header, in the order keys first appear. */
async function writeCsv(rows: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>, out: string): Promise<number> {
  // Keys are only known once every row is seen: the rows go to a scratch file as JSON first, then out as CSV.
  const keys: string[] = []
  const known = new Set<string>()
  const scratch = `${out}.rows`
  const buffer = fs.createWriteStream(scratch)
  let count = 0
  try {
    for await (const row of rows) {
      for (const k of Object.keys(row)) {
        if (!known.has(k)) {
          known.add(k)
          keys.push(k)
        }
      }
      const line = JSON.stringify(row) + '\n'
      if (!buffer.write(line)) await new Promise<void>((resolve) => buffer.once('drain', () => resolve()))
      count++
    }
    await new Promise<void>((resolve, reject) => buffer.end(() => resolve()).on('error', reject))
    const csv = fs.createWriteStream(out)
    csv.write(keys.map(csvField).join(',') + '\n')
    const lines = readline.createInterface({ input: fs.createReadStream(scratch), crlfDelay: Infinity })
    for await (const line of lines) {
      const row = JSON.parse(line) as Record<string, unknown>
      if (!csv.write(keys.map((k) => csvField(cellOf(row[k]))).join(',') + '\n')) await new Promise<void>((resolve) => csv.once('drain', () => resolve()))
    }
    await new Promise<void>((resolve, reject) => csv.end(() => resolve()).on('error', reject))
    return count
  } finally {
    fs.rmSync(scratch, { force: true })
  }
}

/** The rows of a JSON Lines file, one object per non-empty line; throws (with the line) on anything else. */
async function* jsonLines(file: string, encoding: string): AsyncIterable<Record<string, unknown>> {
  const input = fs.createReadStream(file).pipe(new TextDecoderStreamTransform(encoding))
  const lines = readline.createInterface({ input, crlfDelay: Infinity })
  let n = 0
  for await (const line of lines) {
    n++
    if (line.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (err) {
      throw new LineError(n, err instanceof Error ? err.message : String(err))
    }
    if (!isRecord(value)) throw new LineError(n, 'not an object')
    yield value
  }
}

/** A JSON Lines line that is not an object. */
class LineError extends Error {
  constructor(
    readonly line: number,
    reason: string
  ) {
    super(`line ${line}: ${reason}`)
  }
}

/** Decodes a byte stream in any of the importer's encodings (dropping a BOM) into text for readline. */
class TextDecoderStreamTransform extends Transform {
  private readonly decoder: TextDecoder
  constructor(encoding: string) {
    super({ decodeStrings: true })
    this.decoder = new TextDecoder(encoding)
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err: Error | null, out?: string) => void): void {
    done(null, this.decoder.decode(chunk, { stream: true }))
  }
  override _flush(done: (err: Error | null, out?: string) => void): void {
    done(null, this.decoder.decode())
  }
}

/**
 * Reads a JSON file as a table, written as CSV to `out`: a JSON array of objects, or JSON Lines (one object per
 * line); each key becomes a column. Returns null when the file is not JSON (then it is read as CSV); refuses JSON of
 * any other shape (IMPORT_JSON_NOT_TABLE), and arrays too large to read at once.
 */
export async function jsonToTable(file: string, out: string): Promise<{ shape: 'array' | 'lines'; rows: number } | null> {
  const named = JSON_EXTENSIONS.has(path.extname(file).toLowerCase())
  const { char, encoding } = await firstCharacter(file)
  if (!encoding || (char !== '[' && char !== '{')) {
    if (named && encoding) throw new StrataError('IMPORT_JSON_NOT_TABLE', { file: path.basename(file) })
    return null
  }
  const notTable = (detail?: string): never => {
    throw new StrataError('IMPORT_JSON_NOT_TABLE', { file: path.basename(file) }, detail)
  }
  if (char === '{') {
    try {
      return { shape: 'lines', rows: await writeCsv(jsonLines(file, encoding), out) }
    } catch (err) {
      if (!(err instanceof LineError)) throw err
      // Not one object per line: a single (pretty-printed) object is JSON, but not a table.
      if (!named && err.line === 1) return null
      return notTable(err.message)
    }
  }
  const size = (await fs.promises.stat(file)).size
  if (size > MAX_JSON_ARRAY_BYTES) throw new StrataError('IMPORT_JSON_TOO_LARGE', { file: path.basename(file), limit: MAX_JSON_ARRAY_BYTES / 1024 / 1024 })
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder(encoding).decode(await fs.promises.readFile(file)))
  } catch (err) {
    if (!named) return null
    return notTable(err instanceof Error ? err.message : String(err))
  }
  if (!Array.isArray(value) || !value.length) return notTable(Array.isArray(value) ? 'an empty array' : `a ${typeof value}`)
  const bad = value.findIndex((v) => !isRecord(v))
  if (bad >= 0) return notTable(`item ${bad + 1} is not an object`)
  return { shape: 'array', rows: await writeCsv(value as Array<Record<string, unknown>>, out) }
}
