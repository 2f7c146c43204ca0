import { translate, type Locale } from '../../common/i18n'

/** Parsed command line: positional words and `--name value` / `--flag` options. */
export interface Args {
  positional: string[]
  options: Record<string, string | boolean>
}

const BOOLEAN_FLAGS = new Set(['json', 'open', 'help'])

/** Splits argv into positional words and options; boolean flags never swallow the next word. */
export function parseArgs(argv: string[]): Args {
  const positional: string[] = []
  const options: Record<string, string | boolean> = {}
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]
    if (word === '-h') options.help = true
    else if (word.startsWith('--')) {
      const [name, inline] = word.slice(2).split(/=(.*)/s, 2)
      if (inline !== undefined) options[name] = inline
      else if (BOOLEAN_FLAGS.has(name) || i + 1 >= argv.length || argv[i + 1].startsWith('--')) options[name] = true
      else options[name] = argv[++i]
    } else positional.push(word)
  }
  return { positional, options }
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

