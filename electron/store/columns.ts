import type { ColumnStats, ColumnType, TypeReason } from '../../common/contract/dataset'
import { cellKey, isMissingCell, MISSING_TOKENS, parseNumberCell, type DecimalMark } from '../../common/data/cells'

const BOOLEAN_TOKENS = new Set(['true', 'false', 'yes', 'no', 'y', 'n', 't', 'f', '0', '1'])
const DATE = /^(\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{4}\/\d{1,2}\/\d{1,2})$/
const ID_NAME = /^(id|uuid|guid|key|index|row_?id|.*[_ -]id|.*Id|.*ID)$/
const TARGET_NAME = /^(target|label|labels|class|y|outcome|category|species|survived|churn|result|diagnosis)$/i
/** Names of columns whose whole numbers are usually codes for categories, not amounts. */
const CODE_NAME = /(^|[_ -])(code|codes|zip|zipcode|postcode|postal|type|kind|category|group|region|segment|status|class)$/i
/** Most distinct whole numbers a code-named (or target-named) column may have and still be read as categories. */
const MAX_CODES = 20

/** Most distinct values remembered per column; beyond this the count is "at least". */
const DISTINCT_CAP = 2000

/** For each list of missing tokens, its test (see {@link missingTest}). */
const TESTS = new WeakMap<readonly string[], (value: string | null | undefined) => boolean>()

/**
 * The test "is this raw cell missing?" for a list of tokens: null and empty cells are, and cells that are one of the
 * tokens (see isMissingCell). Most cells start with a character no token starts with: they are values at once,
 * with no trim or lookup (the importer asks this of every cell).
 */
export function missingTest(tokens: readonly string[]): (value: string | null | undefined) => boolean {
  let test = TESTS.get(tokens)
  if (!test) {
    const starts = new Set(tokens.flatMap((t) => (t ? [t.charCodeAt(0), t.toUpperCase().charCodeAt(0)] : [])))
    test = (value) => {
      if (value == null || value.length === 0) return true
      const c = value.charCodeAt(0)
      if (c > 32 && c < 127 && !starts.has(c)) return false
      return isMissingCell(value, tokens)
    }
    TESTS.set(tokens, test)
  }
  return test
}

/** True when a raw cell means "no value": null, or one of `tokens` (the default ones unless a column has its own). */
export function isMissing(value: string | null | undefined, tokens: readonly string[] = MISSING_TOKENS): boolean {
  return missingTest(tokens)(value)
}

/** True when a number's text is written as a whole number: no point, comma or exponent. */
function isIntegerText(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 46 || c === 44 || c === 101 || c === 69) return false
  }
  return true
}

/** True when a whole number is written with a leading zero (`007`, `-01`): a code, not an amount. */
function hasLeadingZero(value: string): boolean {
  const start = value.charCodeAt(0) === 45 || value.charCodeAt(0) === 43 ? 1 : 0
  return value.length - start > 1 && value.charCodeAt(start) === 48
}

/** How a column's cells are read while it is scanned: its decimal mark and the spellings it reads as missing. */
export interface CellReading {
  decimal: DecimalMark
  missing: readonly string[]
}

/** Exact powers of ten: a decimal with at most 15 digits is its digits divided by one of these, exactly as `Number` reads it. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, i) => 10 ** i)

/** Whether the value {@link readShortDecimal} last read had a decimal point. */
let shortHadPoint = false

/**
 * Reads a short plain decimal (`-12`, `3.25`: sign, at most 15 digits, one point, no exponent) without `Number`:
 * the digits as an integer divided by a power of ten is the correctly rounded value, so the result is the same.
 * Returns NaN for anything else (the caller then asks `Number`); sets {@link shortHadPoint}.
 */
function readShortDecimal(value: string): number {
  let i = 0
  let negative = false
  const c0 = value.charCodeAt(0)
  if (c0 === 45 || c0 === 43) {
    negative = c0 === 45
    i = 1
  }
  let digits = 0
  let mantissa = 0
  let point = -1
  for (; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48)
      digits++
    } else if (c === 46 && point < 0) point = digits
    else return NaN
  }
  if (digits === 0 || digits > 15) return NaN
  shortHadPoint = point >= 0
  const n = point < 0 || point === digits ? mantissa : mantissa / POWERS_OF_TEN[digits - point]
  return negative ? -n : n
}

/** What a column remembers about one distinct value: how often it occurred, and what checking it once found. */
interface SeenValue {
  count: number
  /** The value as a number (NaN when it is not a plain number). */
  number: number
  space: boolean
  /** The value's class number when labels are numbered and it was first seen as it is (untrimmed); else -1. */
  label: number
}

/**
 * Streams one column's values and keeps what type inference and the health report need. It runs once per cell
 * of every imported table, so a value is checked once, when first seen (a repeat reuses what was found), and each
 * check stops as soon as one value rules its type out. Once a number column has {@link DISTINCT_CAP} distinct values
 * its new values are not looked up any more: it is a measurement or an ID, and only its first values' counts are kept.
 */
export class ColumnAccumulator {
  count = 0
  missing = 0
  private allNumeric = true
  private allIntegers = true
  private allBooleans = true
  private allDates = true
  private leadingZeros = false
  /** How often each missing spelling (trimmed, lower-cased) was seen. */
  private readonly missingTokens = new Map<string, number>()
  /** Whether a raw cell is missing in this column (not enumerable: a structured clone skips it, see {@link revive}). */
  private declare readonly isMissingCell: (value: string | null) => boolean
  private withSpaces = 0
  private totalLength = 0
  private maxLength = 0
  private sum = 0
  private sumSquares = 0
  private min = Infinity
  private max = -Infinity
  private allDistinct = true
  private readonly distinct = new Map<string, SeenValue>()
  private capped = false
  /** Whether the value {@link check} last saw has a space. */
  private lastHadSpace = false
  /** Each distinct raw cell's class number in {@link labelValues}, once {@link numberLabels} is called. */
  private labelIndex: Map<string, number> | null = null
  /** The distinct raw cells, by class number, once {@link numberLabels} is called. */
  readonly labelValues: string[] = []
  /** The class number of the cell last added (-1: missing), once {@link numberLabels} is called. */
  lastLabel = -1

  constructor(
    readonly name: string,
    private readonly reading: CellReading = { decimal: '.', missing: MISSING_TOKENS }
  ) {
    ColumnAccumulator.setMissingTest(this)
  }

  /** Gives an accumulator its column's missing test, as a property a structured clone leaves out (functions cannot be cloned). */
  private static setMissingTest(a: ColumnAccumulator): void {
    Object.defineProperty(a, 'isMissingCell', { value: missingTest(a.reading.missing), enumerable: false })
  }

  /** Numbers the cells added from now on as class labels (the likely target's): most reuse the lookup statistics make anyway. */
  numberLabels(): void {
    this.labelIndex = new Map()
  }

  private labelOf(raw: string): number {
    const index = this.labelIndex as Map<string, number>
    let code = index.get(raw)
    if (code === undefined) {
      code = this.labelValues.push(raw) - 1
      index.set(raw, code)
    }
    return code
  }

  /** Adds one raw cell; returns true when it is missing. */
  add(raw: string | null): boolean {
    this.count++
    const lookUp = !(this.capped && this.allNumeric)
    // Most cells repeat a value already seen as it is (missing tokens and untrimmed values never are keys).
    if (lookUp && raw !== null) {
      const seen = this.distinct.get(raw)
      if (seen !== undefined) {
        this.repeat(seen, raw)
        if (this.labelIndex) this.lastLabel = seen.label >= 0 ? seen.label : (seen.label = this.labelOf(raw))
        return false
      }
    }
    if (this.isMissingCell(raw)) {
      this.missing++
      const key = raw === null ? '' : cellKey(raw)
      this.missingTokens.set(key, (this.missingTokens.get(key) ?? 0) + 1)
      this.lastLabel = -1
      return true
    }
    const r = raw as string
    // Trim only when an end is whitespace (rare): most cells are used as they are.
    const a = r.charCodeAt(0)
    const z = r.charCodeAt(r.length - 1)
    const value = a > 32 && a < 127 && z > 32 && z < 127 ? r : r.trim()
    const label = this.labelIndex ? this.labelOf(r) : -1
    this.lastLabel = label
    if (lookUp && value !== r) {
      const seen = this.distinct.get(value)
      if (seen !== undefined) {
        this.repeat(seen, value)
        return false
      }
    }
    this.totalLength += value.length
    const number = this.check(value)
    if (this.distinct.size < DISTINCT_CAP) this.distinct.set(value, { count: 1, number, space: this.lastHadSpace, label: value === r ? label : -1 })
    else this.capped = true
    return false
  }

  /** Counts a value seen before. */
  private repeat(seen: SeenValue, value: string): void {
    seen.count++
    this.allDistinct = false
    this.totalLength += value.length
    if (this.allNumeric) this.addNumber(seen.number)
    else if (seen.space) this.withSpaces++
  }

  private addNumber(n: number): void {
    this.sum += n
    this.sumSquares += n * n
    if (n < this.min) this.min = n
    if (n > this.max) this.max = n
  }

  /** Checks a value not seen before against every type still possible; returns it as a number (NaN if it is none). */
  private check(value: string): number {
    const length = value.length
    if (length > this.maxLength) this.maxLength = length
    if (this.allBooleans && !(length <= 5 && BOOLEAN_TOKENS.has(value.toLowerCase()))) this.allBooleans = false
    // Only strings starting like a number can be one (or a date).
    const c = value.charCodeAt(0)
    const numberLike = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46
    // Short decimals (and integers) are read without `Number`, which is slow on them; other forms as every reader does.
    const decimalPoint = this.reading.decimal === '.'
    const short = numberLike && decimalPoint ? readShortDecimal(value) : NaN
    const isShort = short === short
    const n = isShort ? short : (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 44 ? (parseNumberCell(value, this.reading.decimal) ?? NaN) : NaN
    const number = n === n
    if (this.allNumeric) {
      if (number) {
        if (this.allIntegers && (isShort ? shortHadPoint : !isIntegerText(value))) this.allIntegers = false
        if (this.allIntegers && !this.leadingZeros && hasLeadingZero(value)) this.leadingZeros = true
        this.addNumber(n)
        // A number is not a date, and has no spaces.
        this.allDates = false
        this.lastHadSpace = false
        return n
      }
      this.allNumeric = false
    }
    if (this.allDates && !(numberLike && DATE.test(value))) this.allDates = false
    this.lastHadSpace = value.includes(' ')
    if (this.lastHadSpace) this.withSpaces++
    return number ? n : NaN
  }

  /**
   * Takes in what another accumulator of the same column saw in the rows that follow this one's (the next part of
   * the same file, read in parallel), as if this one had gone on to read them: counts and sums add up, a type stays
   * possible only if both allow it, distinct values keep the order they were first seen in (up to the cap).
   * Returns, for each of `next`'s label numbers, the number this accumulator gives the same label (when labels are numbered).
   */
  merge(next: ColumnAccumulator): Int32Array {
    this.count += next.count
    this.missing += next.missing
    this.allNumeric &&= next.allNumeric
    this.allIntegers &&= next.allIntegers
    this.allBooleans &&= next.allBooleans
    this.allDates &&= next.allDates
    this.leadingZeros ||= next.leadingZeros
    for (const [token, n] of next.missingTokens) this.missingTokens.set(token, (this.missingTokens.get(token) ?? 0) + n)
    this.withSpaces += next.withSpaces
    this.totalLength += next.totalLength
    this.maxLength = Math.max(this.maxLength, next.maxLength)
    this.sum += next.sum
    this.sumSquares += next.sumSquares
    this.min = Math.min(this.min, next.min)
    this.max = Math.max(this.max, next.max)
    this.allDistinct &&= next.allDistinct
    this.capped ||= next.capped
    for (const [value, seen] of next.distinct) {
      const mine = this.distinct.get(value)
      if (mine !== undefined) {
        mine.count += seen.count
        this.allDistinct = false
      } else if (this.distinct.size < DISTINCT_CAP) this.distinct.set(value, { ...seen, label: -1 })
      else this.capped = true
    }
    return Int32Array.from(next.labelValues, (raw) => (this.labelIndex ? this.labelOf(raw) : -1))
  }

  /** An accumulator again after a structured clone (a worker thread's, posted to this one) turned it into plain data. */
  static revive(cloned: unknown): ColumnAccumulator {
    const a = Object.assign(Object.create(ColumnAccumulator.prototype) as ColumnAccumulator, cloned)
    ColumnAccumulator.setMissingTest(a)
    return a
  }

  /** The type this column most likely has. */
  inferType(): ColumnType {
    return this.inference().type
  }

  /**
   * The type this column most likely has, and why (shown beside the type, which the user may change). Whole numbers
   * are amounts (counts, years, ratings: they have an order) unless they look like codes: written with leading
   * zeros, or few distinct values in a column named like a code or a label (`zip`, `type`, `class`, `label`…).
   */
  inference(): { type: ColumnType; reason: TypeReason } {
    const present = this.count - this.missing
    if (present === 0) return { type: 'categorical', reason: 'empty' }
    const distinct = this.distinct.size
    if (this.allBooleans && distinct <= 2) return { type: 'boolean', reason: 'yesNo' }
    const unique = this.allDistinct && present === this.count && present >= 10
    if (this.allNumeric) {
      if (!this.allIntegers) return { type: 'numeric', reason: 'decimals' }
      if (unique && (ID_NAME.test(this.name) || this.max - this.min + 1 === present)) return { type: 'id', reason: 'uniqueWholeNumbers' }
      if (this.leadingZeros) return { type: 'categorical', reason: 'leadingZeros' }
      if (!this.capped && distinct <= MAX_CODES && (CODE_NAME.test(this.name) || isTargetName(this.name))) return { type: 'categorical', reason: 'codeName' }
      return { type: 'numeric', reason: 'wholeNumbers' }
    }
    if (this.allDates) return { type: 'date', reason: 'dates' }
    const meanLength = this.totalLength / present
    if (unique && (ID_NAME.test(this.name) || (this.withSpaces === 0 && meanLength < 40))) return { type: 'id', reason: 'uniqueValues' }
    // Long values that keep repeating (a handful of labels such as "Very satisfied") are categories, not free text.
    const repeating = !this.capped && distinct <= 50 && distinct <= present / 4
    if (!repeating && (meanLength >= 25 || (this.withSpaces > present / 2 && (this.capped || distinct > present / 2)))) return { type: 'text', reason: 'longText' }
    return { type: 'categorical', reason: 'words' }
  }

  /** Summary numbers for the column card and the health report. */
  stats(): ColumnStats {
    const present = this.count - this.missing
    const top = [...this.distinct.entries()]
      .sort((a, b) => b[1].count - a[1].count)
      .slice(0, 10)
      .map(([value, seen]) => ({ value, count: seen.count }))
    const numeric = this.allNumeric && present > 0
    const mean = numeric ? this.sum / present : undefined
    return {
      count: this.count,
      distinct: this.distinct.size,
      distinctCapped: this.capped,
      ...(numeric
        ? { min: this.min, max: this.max, mean, std: Math.sqrt(Math.max(0, this.sumSquares / present - (mean as number) ** 2)) }
        : {}),
      top,
      maxLength: this.maxLength,
      missingTokens: [...this.missingTokens.entries()].sort((a, b) => b[1] - a[1]).map(([token, count]) => ({ token, count })),
      reason: this.inference().reason
    }
  }
}

/** True when a column's name is a conventional name for the value to predict (`label`, `target`, `class`…). */
export function isTargetName(name: string): boolean {
  return TARGET_NAME.test(name.trim())
}

/** The column a user most likely wants to predict: a conventional name, else the last plausible label column. */
export function proposeTarget(columns: ReadonlyArray<{ name: string; type: ColumnType }>): string | null {
  const named = columns.find((c) => isTargetName(c.name) && c.type !== 'id' && c.type !== 'text')
  if (named) return named.name
  const usable = columns.filter((c) => c.type === 'categorical' || c.type === 'boolean')
  if (usable.length) return usable[usable.length - 1].name
  const numeric = columns.filter((c) => c.type === 'numeric')
  return numeric.length ? numeric[numeric.length - 1].name : null
}

/** True when a target of this type gives class labels to stratify by. */
export function isClassType(type: ColumnType): boolean {
  return type === 'categorical' || type === 'boolean'
}
