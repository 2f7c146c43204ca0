/**
 * How one raw table cell (a string, or null when the file had none) is read: the one place that decides whether a
 * cell is missing, whether it is a number (and which), a date (and which day) or a yes/no answer. The importer's
 * type inference, the studio's encoder, predict and every export read cells through these functions.
 */

/**
 * Cell spellings read as "no value" unless a column says otherwise, compared after trimming and lower-casing:
 * an empty cell, the usual "not available" codes, a lone `?`, `-` or `.`, and infinities (no real measurement).
 */
export const MISSING_TOKENS: readonly string[] = [
  '',
  'na',
  'n/a',
  '#n/a',
  'nan',
  'null',
  'none',
  '?',
  '-',
  '.',
  'inf',
  '+inf',
  '-inf',
  'infinity',
  '+infinity',
  '-infinity'
]

/** What runs stored before format 3 read as missing (they did so before the cells reached the encoder). */
export const LEGACY_MISSING_TOKENS: readonly string[] = ['', 'na', 'n/a', 'nan', 'null', '?']

/** Longest text a missing token may have: longer cells are never missing, whatever a column's tokens. */
export const MAX_TOKEN_LENGTH = 64

/** The text a cell is compared by: trimmed and lower-cased. */
export function cellKey(cell: string): string {
  return cell.trim().toLowerCase()
}

/** True when a cell is missing: no cell at all, or (trimmed, lower-cased) one of `tokens`. */
export function isMissingCell(cell: string | null | undefined, tokens: readonly string[] = MISSING_TOKENS): boolean {
  if (cell == null) return true
  // A long cell (a text) is never a token: no need to trim and lower-case it.
  if (cell.length > 4 * MAX_TOKEN_LENGTH) return false
  return tokens.includes(cellKey(cell))
}

/** The character that separates a number's whole part from its fraction: `5.1`, or `5,1` in much of Europe. */
export type DecimalMark = '.' | ','

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
const THOUSANDS_POINT = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?$/
const PLAIN_COMMA = /^[+-]?(\d+,?\d*|,\d+)([eE][+-]?\d+)?$/
const THOUSANDS_COMMA = /^[+-]?\d{1,3}(\.\d{3})+(,\d*)?([eE][+-]?\d+)?$/

/**
 * A cell as a number, or null when it is missing or is not a number. With `decimal` `.`: `-1.5e3`, `.5`, `1,234.5`
 * (commas only between groups of three digits). With `,`: `-1,5e3`, `,5`, `1.234,5`. Nothing else is a number:
 * `130hp`, `$5`, `0x1f`, `5,1` under `.`, infinities.
 */
export function parseNumberCell(cell: string | null, decimal: DecimalMark = '.'): number | null {
  if (cell === null) return null
  const s = cell.trim()
  if (s === '') return null
  let text: string
  if (decimal === '.') {
    if (PLAIN_NUMBER.test(s)) text = s
    else if (THOUSANDS_POINT.test(s)) text = s.replace(/,/g, '')
    else return null
  } else if (PLAIN_COMMA.test(s)) text = s.replace(',', '.')
  else if (THOUSANDS_COMMA.test(s)) text = s.replace(/\./g, '').replace(',', '.')
  else return null
  const v = Number(text)
  return Number.isFinite(v) ? v : null
}

/** How a date's day, month and year are ordered when it is not written year first (`31/12/2024`, `12/31/2024`). */
export type DateOrder = 'ymd' | 'dmy' | 'mdy'

const YEAR_FIRST = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i
const YEAR_LAST = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?$/

const MS_PER_DAY = 86_400_000

/** Days since 1970-01-01 (UTC) of a calendar date and time, or null when the date does not exist (31 February). */
function daysOf(year: number, month: number, day: number, h = 0, m = 0, s = 0, offsetMinutes = 0): number | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return null
  const t = Date.UTC(year, month - 1, day, h, m, s)
  const check = new Date(t)
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null
  return (t - offsetMinutes * 60_000) / MS_PER_DAY
}

/** A two-digit year as a full one: 00–69 → 2000–2069, 70–99 → 1970–1999 (as Python's `%y` reads it). */
function fullYear(text: string): number {
  const y = Number(text)
  return text.length === 4 ? y : y < 70 ? 2000 + y : 1900 + y
}

/**
 * A cell as a date: days (with a fraction for the time of day) since 1970-01-01 UTC, or null when it is missing or
 * not a date. Year-first dates (`2024-12-31`, `2024/12/31 08:30`, ISO with a zone) are read as they are; dates
 * with the year last are read in `order` (`dmy`: 31/12/2024, `mdy`: 12/31/2024).
 */
export function parseDateCell(cell: string | null, order: DateOrder = 'ymd'): number | null {
  if (cell === null) return null
  const s = cell.trim()
  let m = YEAR_FIRST.exec(s)
  if (m) {
    let offset = 0
    const zone = m[8]
    if (zone && zone.toUpperCase() !== 'Z') {
      const digits = zone.replace(':', '')
      offset = (digits[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)))
    }
    const seconds = Number(m[6] ?? 0) + Number(m[7] ?? 0)
    return daysOf(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), seconds, offset)
  }
  m = YEAR_LAST.exec(s)
  if (!m || order === 'ymd') return null
  const [a, b] = [Number(m[1]), Number(m[2])]
  const [day, month] = order === 'dmy' ? [a, b] : [b, a]
  return daysOf(fullYear(m[3]), month, day, Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0))
}

/**
 * The order of a column's year-last dates, from its values: day first when some first part is over 12, month first
 * when some second part is; otherwise day first for `31.12.2024`-style dots and month first for slashes.
 * Year-first dates (and none at all) give `ymd`.
 */
export function dateOrderOf(values: Iterable<string>): DateOrder {
  let sawYearLast = false
  let dots = 0
  let slashes = 0
  for (const v of values) {
    const m = YEAR_LAST.exec(v.trim())
    if (!m) continue
    sawYearLast = true
    if (Number(m[1]) > 12) return 'dmy'
    if (Number(m[2]) > 12) return 'mdy'
    if (v.includes('.')) dots++
    else slashes++
  }
  if (!sawYearLast) return 'ymd'
  return dots > slashes ? 'dmy' : 'mdy'
}

/** Mean length of a year in days: a date's place in the year is its days since 1970 modulo this. */
export const DAYS_PER_YEAR = 365.2425

/** A date's place in the year as a point on a circle, [sin, cos] of 2π · (days mod a year) / a year. */
export function seasonOf(days: number): [number, number] {
  const turn = (2 * Math.PI * (((days % DAYS_PER_YEAR) + DAYS_PER_YEAR) % DAYS_PER_YEAR)) / DAYS_PER_YEAR
  return [Math.sin(turn), Math.cos(turn)]
}

/** The texts a yes/no column reads as yes. */
export const TRUTHY_CELLS: readonly string[] = ['true', 'yes', 'y', '1', 't']
/** The texts a yes/no column reads as no. */
export const FALSY_CELLS: readonly string[] = ['false', 'no', 'n', '0', 'f']

/** Whether a flag cell says yes: its trimmed, lower-cased text is one of `truthy`. */
export function isTruthyCell(cell: string | null, truthy: readonly string[] = TRUTHY_CELLS): boolean {
  return cell !== null && truthy.includes(cellKey(cell))
}

/** A flag cell as 1 (yes) or 0 (no); null when it is neither (missing, or some other text). */
export function parseFlagCell(cell: string | null, truthy: readonly string[] = TRUTHY_CELLS, falsy: readonly string[] = FALSY_CELLS): 0 | 1 | null {
  if (cell === null) return null
  const key = cellKey(cell)
  if (truthy.includes(key)) return 1
  return falsy.includes(key) ? 0 : null
}
