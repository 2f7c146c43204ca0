import { translate, type Locale } from '../../common/i18n'

/** Parsed command line: positional words and `--name value` / `--flag` options. */
export interface Args {
  positional: string[]
  /** Each option's last value. */
  options: Record<string, string | boolean>
  /** Every value of options given more than once or once (`--allow-dir A --allow-dir B`), in order. */
  all: Record<string, string[]>
}

const BOOLEAN_FLAGS = new Set(['json', 'open', 'help'])

/** Splits argv into positional words and options; boolean flags never swallow the next word. */
export function parseArgs(argv: string[]): Args {
  const positional: string[] = []
  const options: Record<string, string | boolean> = {}
  const all: Record<string, string[]> = {}
  const set = (name: string, value: string | boolean): void => {
    options[name] = value
    if (typeof value === 'string') (all[name] ??= []).push(value)
  }
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]
    if (word === '-h') options.help = true
    else if (word.startsWith('--')) {
      const [name, inline] = word.slice(2).split(/=(.*)/s, 2)
      if (inline !== undefined) set(name, inline)
      else if (BOOLEAN_FLAGS.has(name) || i + 1 >= argv.length || argv[i + 1].startsWith('--')) set(name, true)
      else set(name, argv[++i])
    } else positional.push(word)
  }
  return { positional, options, all }
}

/** Where a command writes: plain text for people, one JSON document for programs. */
export interface Output {
  json: boolean
  locale: Locale
  out: (text: string) => void
  err: (text: string) => void
}

/** Translates a message key into the command's language. */
export function t(o: Output, key: string, params: Record<string, string | number> = {}): string {
  return translate(o.locale, key, params)
}

/** One CLI command: returns its exit code; throws a StrataError for a plain-language failure. */
export type Command = (args: Args, o: Output, buildDir: string) => Promise<number>

