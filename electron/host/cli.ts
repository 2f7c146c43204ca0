import path from 'node:path'
import type { BackendReport } from '../../common/contract'
import { StrataError, toAppError, type AppError } from '../../common/errors'
import { matchLocale, translate, type Locale } from '../../common/i18n'
import { probeBackends } from '../engine/backends'
import { createProject, openProject } from '../store/project-folder'
import { readSchemaVersion } from '../store/project-db'
import { systemLocale } from '../services/paths'
import { openInBrowser, serveStudio } from './serve'

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

function t(o: Output, key: string, params: Record<string, string | number> = {}): string {
  return translate(o.locale, key, params)
}

function printBackends(o: Output, report: BackendReport): void {
  o.out(t(o, 'cli.backendsTitle'))
  for (const b of report.backends) {
    const name = t(o, `backends.${b.id}`)
    const state = b.available
      ? t(o, b.id === report.chosen ? 'backends.active' : 'backends.available')
      : `${t(o, 'backends.unavailable')} — ${b.reason ? t(o, `backends.reasons.${b.reason.key}`, b.reason.params) : ''}`
    o.out(t(o, 'cli.backendLine', { mark: b.id === report.chosen ? '●' : b.available ? '○' : '×', backend: name, state }))
  }
  o.out(t(o, 'cli.chosen', { backend: t(o, `backends.${report.chosen}`) }))
}

async function cmdNew(args: Args, o: Output): Promise<number> {
  const target = args.positional[1]
  if (!target) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: '<folder>' }) })
  const name = typeof args.options.name === 'string' ? args.options.name : path.basename(path.resolve(target)).replace(/\.strata$/, '')
  const project = createProject(target, name)
  const summary = { name: project.name, path: project.root, schemaVersion: readSchemaVersion(project.db), createdAt: project.createdAt }
  project.db.close()
  if (o.json) o.out(JSON.stringify({ project: summary }))
  else o.out(t(o, 'cli.created', { name: summary.name, path: summary.path }))
  return 0
}

async function cmdInfo(args: Args, o: Output): Promise<number> {
  let project: { name: string; path: string; schemaVersion: number; createdAt: string } | undefined
  if (args.positional[1]) {
    const p = openProject(args.positional[1])
    project = { name: p.name, path: p.root, schemaVersion: readSchemaVersion(p.db), createdAt: p.createdAt }
    p.db.close()
  }
  const backends = await probeBackends()
  if (o.json) {
    o.out(JSON.stringify({ ...(project ? { project } : {}), backends }))
    return 0
  }
  if (project) o.out(t(o, 'cli.project', { name: project.name, path: project.path, version: project.schemaVersion, created: project.createdAt }))
  printBackends(o, backends)
  return 0
}

async function cmdServe(args: Args, o: Output, buildDir: string): Promise<number> {
  const port = args.options.port === undefined ? 0 : Number(args.options.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new StrataError('BAD_ARGUMENTS', { reason: `--port must be a number from 0 to 65535, not "${String(args.options.port)}".` })
  }
  const host = typeof args.options.host === 'string' ? args.options.host : '127.0.0.1'
  const studio = await serveStudio({ port, host, buildDir })
  if (o.json) o.out(JSON.stringify({ url: studio.url, port: studio.port, token: studio.token }))
  else {
    if (typeof args.options['why'] === 'string') o.out(t(o, 'cli.noElectron', { reason: args.options['why'] }))
    o.out(t(o, 'cli.serving', { url: studio.url }))
  }
  if (args.options.open) void openInBrowser(studio.url)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await studio.stop()
  if (!o.json) o.out(t(o, 'cli.stopped'))
  return 0
}

/** The commands `strata` knows; later features add theirs here. */
const COMMANDS: Record<string, (args: Args, o: Output, buildDir: string) => Promise<number>> = {
  new: cmdNew,
  info: cmdInfo,
  serve: cmdServe
}

/** Runs one CLI command and returns its exit code; errors become one plain line (or a JSON error). */
export async function runCli(argv: string[], buildDir: string, io: Partial<Output> = {}): Promise<number> {
  const args = parseArgs(argv)
  const o: Output = {
    json: args.options.json === true,
    locale: matchLocale(typeof args.options.lang === 'string' ? args.options.lang : systemLocale()),
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
