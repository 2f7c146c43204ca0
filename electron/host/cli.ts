import { StrataError, toAppError, type AppError } from '../../common/errors'
import { matchLocale, translate } from '../../common/i18n'
import { systemLocale } from '../services/paths'
import { COLUMN_COMMANDS } from './commands/columns'
import { DATASET_COMMANDS } from './commands/dataset'
import { EXPORT_COMMANDS } from './commands/export'
import { EVALUATE_COMMANDS } from './commands/evaluate'
import { MODEL_COMMANDS } from './commands/model'
import { PROJECT_COMMANDS } from './commands/project'
import { TRAINING_COMMANDS } from './commands/training'
import { parseArgs, t, type Command, type Output } from './cli-io'

/** The commands `strata` knows; later features add theirs here. */
const COMMANDS: Record<string, Command> = {
  ...PROJECT_COMMANDS,
  ...DATASET_COMMANDS,
  ...COLUMN_COMMANDS,
  ...MODEL_COMMANDS,
  ...TRAINING_COMMANDS,
  ...EXPORT_COMMANDS,
  ...EVALUATE_COMMANDS
}

/** Runs one CLI command and returns its exit code; errors become one plain line (or a JSON error). */
export async function runCli(argv: string[], buildDir: string, io: Partial<Output> = {}): Promise<number> {
  const args = parseArgs(argv)
  const o: Output = {
    json: args.options.json === true,
    // `--lang` picks the language of messages, except where a command uses it for something else (`code --lang keras`).
    locale: matchLocale(typeof args.options.lang === 'string' && /^(en|zh)\b/i.test(args.options.lang) ? args.options.lang : systemLocale()),
    out: io.out ?? ((text) => process.stdout.write(text + '\n')),
    err: io.err ?? ((text) => process.stderr.write(text + '\n'))
  }
  const command = args.positional[0]
  if (!command || args.options.help) {
    o.out(t(o, 'cli.usage'))
    return command || args.options.help ? 0 : 1
  }
  try {
    const run = COMMANDS[command]
    if (!run) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.unknownCommand', { command }) })
    return await run(args, o, buildDir)
  } catch (err) {
    const error: AppError = toAppError(err)
    const message = error.code === 'INTERNAL' ? error.message : translate(o.locale, `errors.${error.code}`, error.params ?? {})
    if (o.json) o.out(JSON.stringify({ error: { code: error.code, message, ...(error.detail ? { detail: error.detail } : {}) } }))
    else o.err(`strata: ${message}`)
    return 1
  }
}
