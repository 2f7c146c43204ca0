import fs from 'node:fs'
import type { ColumnChoice, ColumnType, DatasetKind, DecimalMark, TableReading, TextEncoding } from '../../common/contract/dataset'
import { MISSING_TOKENS } from '../../common/data/cells'
import { StrataError } from '../../common/errors'
import { isClassType, isTargetName, proposeTarget, type CellReading } from './columns'
import { sniffCsv } from './csv'
import { normalTokens } from './dataset-settings'
import { CSV_LIMITS, CsvLimitError, writeDecodedText } from './csv-reader'
import type { ImporterContext } from './import-images'
import type { ColumnRow } from './import-staging'
import { readChunkRows, REMOVED, RowLabels, type RowChunk, type RowSource, type RowState } from './table-rows'
import { scanTableFile } from './scan-table-file'

/** Choices the user makes for a table or text import. */
export interface TableImportOptions {
  kind?: 'table' | 'text'
  target?: string
  textColumn?: string
  ragged: 'skip' | 'refuse'
  encoding?: TextEncoding
  decimal?: DecimalMark
  /** Per column, by name: its type, whether it is left out, the spellings it reads as missing. */
  columns?: Record<string, ColumnChoice>
  /** The file is CSV Strata wrote from a JSON file (comma-separated, with a header, decimal points). */
  fromJson?: 'array' | 'lines'
}

/** What staging a table file found. */
export interface StagedTable {
  kind: Extract<DatasetKind, 'table' | 'text'>
  columns: ColumnRow[]
  target: string | null
  textColumn: string | null
  fileHash: string
  settings: Record<string, unknown>
  /** Where the rows are read from: `rowsFile` holds the text (the file itself, or its decoded text when it was not all UTF-8). */
  source: Omit<RowSource, 'blob'>
  rowsFile: string
  chunks: RowChunk[]
  /** Each row's label, and REMOVED as the split of rows left out (texts without a text or a label). */
  rows: RowState
  /** How many rows are kept. */
  kept: number
  /** How the file was read (its encoding, decimal mark, renamed header names, whether it was JSON). */
  reading: TableReading
}

const MAX_LISTED_LINES = 10

function findColumn(columns: readonly ColumnRow[], name: string, file: string): ColumnRow {
  const found = columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase())
  if (!found) throw new StrataError('IMPORT_BAD_COLUMN', { column: name, file, columns: columns.map((c) => c.name).join(', ') })
  return found
}

/** The column choices by position, checked against the header: a name no column has is refused. */
function choicesByPosition(header: readonly string[], choices: Record<string, ColumnChoice> | undefined, file: string): Map<number, ColumnChoice> {
  const out = new Map<number, ColumnChoice>()
  for (const [name, choice] of Object.entries(choices ?? {})) {
    const position = header.indexOf(name) >= 0 ? header.indexOf(name) : header.findIndex((h) => h.toLowerCase() === name.toLowerCase())
    if (position < 0) throw new StrataError('IMPORT_BAD_COLUMN', { column: name, file, columns: header.join(', ') })
    out.set(position, choice)
  }
  return out
}

/** True when a column cannot be a target because it has one value only (none, or the same one in every row). */
function hasOneValue(column: ColumnRow): boolean {
  return !(column.stats as { distinctCapped?: boolean }).distinctCapped && ((column.stats as { distinct?: number }).distinct ?? 0) < 2
}

/** Refuses a target with one value in every row: there is nothing to tell apart. */
function refuseOneValue(column: ColumnRow): never {
  const top = (column.stats as { top?: Array<{ value: string }> }).top ?? []
  throw new StrataError('TARGET_ONE_VALUE', { column: column.name, value: top[0]?.value ?? '', count: column.stats.count as number })
}

/** A table is a text dataset when, ID columns aside, it is one free-text column and one label column. */
function looksLikeText(columns: readonly ColumnRow[]): boolean {
  const used = columns.filter((c) => c.inferredType !== 'id')
  return used.length === 2 && used.some((c) => c.inferredType === 'text') && used.some((c) => c.inferredType === 'categorical' || c.inferredType === 'boolean')
}

/**
 * Reads a CSV/TSV file once (a large one in two halves at once, see scanTableFile): rows with the wrong number of
 * fields are listed by line (and skipped, or the import refused), column types and statistics are inferred on the way,
 * each batch of text read becomes a chunk of the row store (its byte range; the rows stay in the file), and the cells
 * of the likely target are kept so labels need no second pass. For a text dataset each row becomes a text with its
 * label; rows without either are left out.
 * `decodedTextFile` receives the file's decoded text when it is not all UTF-8.
 */
export async function stageTableFile(ctx: ImporterContext, file: string, opts: TableImportOptions, decodedTextFile: string): Promise<StagedTable> {
  const { staging, signal } = ctx
  const dialect = await sniffCsv(file, opts.fromJson ? { encoding: 'utf-8', decimal: '.', written: true } : { encoding: opts.encoding, decimal: opts.decimal })
  const width = dialect.header.length
  const chosen = choicesByPosition(dialect.header, opts.columns, file)
  const readings: CellReading[] = dialect.header.map((_, i) => {
    const missing = chosen.get(i)?.missing
    return { decimal: dialect.decimal, missing: missing ? normalTokens(missing) : MISSING_TOKENS }
  })
  const raggedLines: number[] = []
  // The column most likely to be the target: the one asked for, else one with a conventional name.
  const wanted = opts.target?.toLowerCase()
  const likelyTarget = dialect.header.findIndex((name) => (wanted === undefined ? isTargetName(name) : name.toLowerCase() === wanted))
  const scanned = await scanTableFile(file, dialect, likelyTarget, {
    signal,
    readings,
    onRagged: (line, fields) => {
      if (raggedLines.length < 100_000) raggedLines.push(line)
      staging.addSkipped(`line ${line}`, 'ragged', `expected ${width} fields, found ${fields}`)
    },
    onProgress: (done, total) => ctx.onProgress?.({ phase: 'reading', unit: 'bytes', done, total })
  }).catch((err: unknown) => {
    if (!(err instanceof CsvLimitError)) throw err
    const mib = (chars: number) => `${chars / (1 << 20)} MiB`
    throw err.limit === 'field'
      ? new StrataError('IMPORT_FIELD_TOO_LONG', { file, line: err.line, limit: mib(CSV_LIMITS.fieldChars) })
      : new StrataError('IMPORT_LINE_TOO_LONG', { file, line: err.line, limit: mib(CSV_LIMITS.recordChars) })
  })
  const { accumulators, chunks, records, rows: position } = scanned.scan
  const likely = likelyTarget >= 0 ? accumulators[likelyTarget] : null
  const likelyCodes = scanned.scan.likelyCodes
  if (signal?.aborted) throw new StrataError('IMPORT_CANCELLED')
  if (records === 0) throw new StrataError(dialect.hasHeader ? 'IMPORT_HEADER_ONLY' : 'IMPORT_EMPTY_FILE', { file })
  if (raggedLines.length && (opts.ragged === 'refuse' || position === 0)) {
    throw new StrataError(
      'IMPORT_RAGGED_ROWS',
      { file, count: raggedLines.length, lines: raggedLines.slice(0, MAX_LISTED_LINES).join(', '), fields: width },
      `lines with the wrong number of fields: ${raggedLines.slice(0, 1000).join(', ')}`
    )
  }
  // Byte ranges count the decoded text; a file that was not all UTF-8 is stored as that text instead of itself.
  let rowsFile = file
  let rowsOffset = scanned.bomBytes
  if (!scanned.clean) {
    await writeDecodedText(file, decodedTextFile, dialect.encoding)
    rowsFile = decodedTextFile
    rowsOffset = 0
  }
  const source = { offset: rowsOffset, delimiter: dialect.delimiter, newline: dialect.newline, width }

  const columns: ColumnRow[] = accumulators.map((a, i) => {
    const type: ColumnType = a.inferType()
    const choice = chosen.get(i)
    const userType = choice?.type ?? null
    return {
      position: i,
      name: a.name,
      inferredType: type,
      userType,
      missing: a.missing,
      stats: a.stats(),
      excluded: choice?.excluded ?? (userType ?? type) === 'id',
      ...(choice?.missing ? { missingTokens: [...readings[i].missing] } : {})
    }
  })
  const kind = opts.kind ?? (looksLikeText(columns) ? 'text' : 'table')
  const typeOf = (c: ColumnRow): ColumnType => c.userType ?? c.inferredType
  // A proposed target must have two values or more; one the user named with one value is refused below.
  const typed = columns.filter((c) => !hasOneValue(c)).map((c) => ({ name: c.name, type: typeOf(c) }))

  let textColumn: ColumnRow | null = null
  if (kind === 'text') {
    if (opts.textColumn) textColumn = findColumn(columns, opts.textColumn, file)
    else {
      const candidates = columns
        .filter((c) => c.inferredType === 'text' || c.inferredType === 'categorical')
        .filter((c) => !opts.target || c.name !== findColumn(columns, opts.target, file).name)
        .sort((a, b) => Number(b.inferredType === 'text') - Number(a.inferredType === 'text') || ((b.stats.maxLength as number) ?? 0) - ((a.stats.maxLength as number) ?? 0))
      textColumn = candidates[0] ?? null
      if (!textColumn) throw new StrataError('IMPORT_BAD_COLUMN', { column: '(text)', file, columns: columns.map((c) => c.name).join(', ') })
    }
  }
  const targetName = opts.target ? findColumn(columns, opts.target, file).name : proposeTarget(typed.filter((c) => c.name !== textColumn?.name))
  const target = targetName === null ? null : findColumn(columns, targetName, file)
  if (kind === 'text' && !target) throw new StrataError('IMPORT_BAD_COLUMN', { column: '(label)', file, columns: columns.map((c) => c.name).join(', ') })
  if (target && hasOneValue(target) && (kind === 'text' || isClassType(typeOf(target)) || typeOf(target) === 'numeric')) refuseOneValue(target)
  if (target) target.excluded = false

  const state: RowState = { splits: new Uint8Array(position), labels: new RowLabels(Int32Array.from(likelyCodes), likely ? likely.labelValues : []) }
  let kept = position
  if (target === null) state.labels = new RowLabels(new Int32Array(position).fill(-1), [])
  else if (target.position !== likelyTarget || textColumn) {
    // The target was not the column guessed before reading, or texts must be checked: read the rows again.
    state.labels = new RowLabels(new Int32Array(position), [])
    const empty: number[] = []
    const fd = fs.openSync(rowsFile, 'r')
    try {
      for (const chunk of chunks) {
        const { rows, lines } = readChunkRows(fd, source, chunk, { missing: (c) => ({ tokens: readings[c].missing, chosen: false }) })
        rows.forEach((cells, i) => {
          const label = cells[target.position]
          state.labels.set(chunk.first + i, label)
          if (textColumn && (label === null || cells[textColumn.position] === null)) {
            state.splits[chunk.first + i] = REMOVED
            empty.push(lines[i])
          }
        })
      }
    } finally {
      fs.closeSync(fd)
    }
    for (const line of empty) staging.addSkipped(`line ${line}`, 'emptyLabel')
    kept -= empty.length
  }
  if (kept === 0) throw new StrataError('IMPORT_HEADER_ONLY', { file })

  return {
    kind,
    columns,
    target: target?.name ?? null,
    textColumn: textColumn?.name ?? null,
    fileHash: scanned.hash,
    settings: {
      delimiter: dialect.delimiter,
      hasHeader: dialect.hasHeader,
      rows: records,
      ragged: raggedLines.length,
      parts: scanned.parts,
      ...dialect.reading,
      json: opts.fromJson ?? null,
      missingTokens: [...MISSING_TOKENS],
      columnMissing: Object.fromEntries([...chosen].filter(([, c]) => c.missing).map(([p]) => [String(p), [...readings[p].missing]]))
    },
    reading: { ...dialect.reading, json: opts.fromJson ?? null },
    source,
    rowsFile,
    chunks,
    rows: state,
    kept
  }
}
