import { COLUMN_TYPES, DecimalMark, TextEncoding, type ColumnChoice, type ColumnType } from '../../../common/contract/dataset'
import { StrataError } from '../../../common/errors'
import { t, type Args, type Output } from '../cli-io'

/** An option's text, or undefined when it is not given (a bare flag counts as not given). */
export function textOption(args: Args, name: string): string | undefined {
  const v = args.options[name]
  return typeof v === 'string' ? v : undefined
}

function bad(o: Output, option: string, value: string, expected: string): never {
  throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.badOption', { option: `--${option}`, value, expected }) })
}

/** `--types a=numeric,b=categorical`: a type per column. */
export function typesOption(args: Args, o: Output): Record<string, ColumnType> {
  const raw = textOption(args, 'types')
  if (raw === undefined) return {}
  const out: Record<string, ColumnType> = {}
  for (const part of raw.split(',').filter((p) => p.trim())) {
    const at = part.lastIndexOf('=')
    const type = part.slice(at + 1).trim()
    if (at <= 0 || !(COLUMN_TYPES as readonly string[]).includes(type)) bad(o, 'types', part, `COLUMN=${COLUMN_TYPES.join('|')}`)
    out[part.slice(0, at).trim()] = type as ColumnType
  }
  return out
}

/** `--exclude a,b` (or `--include a,b`): column names. */
export function namesOption(args: Args, name: string): string[] {
  const raw = textOption(args, name)
  return raw === undefined ? [] : raw.split(',').map((p) => p.trim()).filter(Boolean)
}

/**
 * `--missing 'sex=.|NA|,notes=default'`: the spellings each column reads as missing, separated by `|` (an empty
 * one, as in `.|`, is an empty cell); `default` gives a column the default spellings back (null).
 */
export function missingOption(args: Args, o: Output): Record<string, string[] | null> {
  const raw = textOption(args, 'missing')
  if (raw === undefined) return {}
  const out: Record<string, string[] | null> = {}
  for (const part of raw.split(',').filter((p) => p.trim())) {
    const at = part.indexOf('=')
    if (at <= 0) bad(o, 'missing', part, 'COLUMN=TOKEN|TOKEN')
    const tokens = part.slice(at + 1)
    out[part.slice(0, at).trim()] = tokens.trim() === 'default' ? null : tokens.split('|')
  }
  return out
}

/** `--encoding` and `--decimal`, checked against what the importer reads. */
export function readingOptions(args: Args, o: Output): { encoding?: TextEncoding; decimal?: DecimalMark } {
  const encoding = textOption(args, 'encoding')
  const decimal = textOption(args, 'decimal')
  if (encoding !== undefined && !TextEncoding.safeParse(encoding).success) bad(o, 'encoding', encoding, TextEncoding.options.join('|'))
  if (decimal !== undefined && !DecimalMark.safeParse(decimal).success) bad(o, 'decimal', decimal, '.|,')
  return { ...(encoding ? { encoding: encoding as TextEncoding } : {}), ...(decimal ? { decimal: decimal as DecimalMark } : {}) }
}

/** The per-column choices of `--types`, `--exclude`, `--include` and `--missing`, as the import request takes them. */
export function columnChoices(args: Args, o: Output): Record<string, ColumnChoice> {
  const out: Record<string, ColumnChoice> = {}
  const at = (name: string): ColumnChoice => (out[name] ??= {})
  for (const [name, type] of Object.entries(typesOption(args, o))) at(name).type = type
  for (const name of namesOption(args, 'exclude')) at(name).excluded = true
  for (const name of namesOption(args, 'include')) at(name).excluded = false
  for (const [name, tokens] of Object.entries(missingOption(args, o))) if (tokens) at(name).missing = tokens
  return out
}
