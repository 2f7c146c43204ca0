import { dispatch, EXPORT_FORMATS, type ChannelName, type EmitEvent, type ExportFormat, type ExportProgress, type ExportRecord } from '../../../common/contract'
import { StrataError } from '../../../common/errors'
import { t, type Command } from '../cli-io'
import { checkOutFolder } from '../../services/export-service'
import { createNodeServices } from '../serve'

type CliServices = ReturnType<typeof createNodeServices>

async function call<T>(services: CliServices, channel: ChannelName, payload: unknown): Promise<T> {
  const result = await dispatch(services.handlers, channel, payload, undefined)
  if (!result.ok) throw new StrataError(result.error.code, result.error.params ?? {}, result.error.detail)
  return result.value as T
}

function parseFormats(value: string | boolean | undefined, o: Parameters<Command>[1]): ExportFormat[] {
  if (typeof value !== 'string') throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: '--format' }) })
  const words = value.split(',').map((w) => w.trim().toLowerCase())
  if (words.includes('all')) return [...EXPORT_FORMATS]
  const bad = words.find((w) => !(EXPORT_FORMATS as readonly string[]).includes(w))
  if (bad !== undefined || !words.length) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.badFormatOption', { value }) })
  return words as ExportFormat[]
}

/** `strata export <project> --run ID --format tfjs|onnx|keras|card|web|all [--out DIR] [--json]`. */
const cmdExport: Command = async (args, o, buildDir) => {
  const project = args.positional[1]
  if (!project) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: '<project>' }) })
  const runId = Number(args.options.run)
  if (!Number.isInteger(runId) || runId < 1) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: '--run ID' }) })
  const formats = parseFormats(args.options.format, o)
  if (args.options.out === true) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: '--out DIR' }) })
  // Checked before the export starts, so a folder that cannot take it fails at once, not after the work.
  const out = typeof args.options.out === 'string' ? checkOutFolder(args.options.out) : null
  const emit: EmitEvent = (event, payload) => {
    if (event !== 'export:progress' || o.json) return
    const p = payload as ExportProgress
    if (p.stage !== 'done') o.err(t(o, 'export.exporting', { format: t(o, `export.formats.${p.format}`), index: p.index + 1, total: p.total, stage: t(o, `export.stages.${p.stage}`) }))
  }
  const services = createNodeServices({ buildDir, emit, pathPolicy: 'any' })
  try {
    await call(services, 'project:open', { path: project })
    const result = await call<{ exports: ExportRecord[] }>(services, 'export:run', { runId, formats, locale: o.locale })
    const records = formats.map((f) => result.exports.find((e) => e.format === f)!)
    const paths = new Map(records.map((r) => [r.format, out && r.status !== 'failed' ? services.exports.copyTo(runId, r.format, out) : r.path]))
    if (o.json) {
      o.out(
        JSON.stringify({
          runId,
          exports: records.map((r) => ({
            format: r.format,
            path: paths.get(r.format),
            verified: r.status === 'verified',
            status: r.status,
            maxDiff: r.maxDiff,
            ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {})
          }))
        })
      )
    } else {
      for (const r of records) {
        const detail = r.maxDiff !== null ? t(o, 'cli.exportDetail', { diff: r.maxDiff.toExponential(2) }) : ''
        o.out(t(o, 'cli.exportLine', { format: t(o, `export.formats.${r.format}`), status: t(o, `export.status.${r.status}`), detail, path: paths.get(r.format)! }))
        if (r.error) o.out(`  ${r.error.message}`)
        if (r.note) o.out(`  ${t(o, `export.notes.${r.note.key}`, r.note.params)}`)
      }
    }
    return records.some((r) => r.status === 'failed') ? 1 : 0
  } finally {
    services.dispose()
  }
}

/** `strata export`. */
export const EXPORT_COMMANDS: Record<string, Command> = { export: cmdExport }
