import { dispatch, type ChannelArgs, type ChannelName, type DatasetSummary, type HealthReport } from '../../../common/contract'
import { StrataError } from '../../../common/errors'
import { t, type Args, type Command, type Output } from '../cli-io'
import { createNodeServices } from '../serve'
import { missingOption, namesOption, textOption, typesOption } from './column-options'

type CliServices = ReturnType<typeof createNodeServices>

/** Calls one contract channel as the renderer does; a coded error becomes a StrataError. */
async function call<C extends ChannelName>(services: CliServices, channel: C, payload: ChannelArgs<C>): Promise<unknown> {
  const result = await dispatch(services.handlers, channel, payload, undefined)
  if (!result.ok) throw new StrataError(result.error.code, result.error.params ?? {}, result.error.detail)
  return result.value
}

/** Opens the project named on the command line and the dataset named by `--dataset`, runs `work`, and shuts down. */
async function withDataset(args: Args, o: Output, buildDir: string, work: (services: CliServices, datasetId: string) => Promise<number>): Promise<number> {
  const project = args.positional[1]
  if (!project) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: '<project>' }) })
  const datasetId = textOption(args, 'dataset')
  if (!datasetId) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: '--dataset ID' }) })
  const services = createNodeServices({ buildDir, emit: () => undefined, pathPolicy: 'any' })
  try {
    await call(services, 'project:open', { path: project })
    return await work(services, datasetId)
  } finally {
    services.dispose()
  }
}

/** One line per column: its type (and why it was detected so), what it reads as missing, whether it is used. */
function printColumns(o: Output, d: DatasetSummary): void {
  o.out(t(o, 'data.cli.columnsTitle'))
  for (const c of d.columns) {
    const marks = (c.name === d.target ? t(o, 'data.cli.targetMark') : '') + (c.excluded ? t(o, 'data.cli.excludedMark') : '')
    const type = c.userType ? t(o, 'data.cli.typeChosen', { type: c.type }) : t(o, 'data.cli.typeDetected', { type: c.type, reason: t(o, `data.typeReasons.${c.stats.reason ?? 'words'}`) })
    o.out(t(o, 'data.cli.columnDetail', { name: c.name, type, missing: c.missing, tokens: c.missingTokens.map((x) => JSON.stringify(x)).join(' '), marks }))
  }
}

/**
 * `strata columns <project> --dataset ID [--target COL] [--types COL=TYPE,…] [--exclude COL,…] [--include COL,…]
 * [--missing COL=TOKEN|TOKEN,…]`: every column choice of the Data screen, through the same channels; prints the columns.
 */
const cmdColumns: Command = (args, o, buildDir) =>
  withDataset(args, o, buildDir, async (services, datasetId) => {
    const target = textOption(args, 'target')
    if (target) await call(services, 'dataset:set-target', { datasetId, column: target })
    for (const [column, type] of Object.entries(typesOption(args, o))) await call(services, 'dataset:set-column', { datasetId, column, type })
    for (const column of namesOption(args, 'exclude')) await call(services, 'dataset:set-column', { datasetId, column, excluded: true })
    for (const column of namesOption(args, 'include')) await call(services, 'dataset:set-column', { datasetId, column, excluded: false })
    for (const [column, missing] of Object.entries(missingOption(args, o))) await call(services, 'dataset:set-column', { datasetId, column, missing })
    const d = (await call(services, 'dataset:get', { datasetId })) as DatasetSummary
    if (o.json) o.out(JSON.stringify({ datasetId, target: d.target, unlabelled: d.unlabelled, splits: d.splits, columns: d.columns }))
    else printColumns(o, d)
    return 0
  })

/** `strata health <project> --dataset ID [--fix drop-unlabelled|drop-duplicates]`: the Data screen's health, and its dataset fixes. */
const cmdHealth: Command = (args, o, buildDir) =>
  withDataset(args, o, buildDir, async (services, datasetId) => {
    const fix = textOption(args, 'fix')
    if (fix !== undefined && fix !== 'drop-unlabelled' && fix !== 'drop-duplicates') {
      throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.badOption', { option: '--fix', value: fix, expected: 'drop-unlabelled|drop-duplicates' }) })
    }
    let removed: number | null = null
    if (fix) removed = ((await call(services, fix === 'drop-unlabelled' ? 'dataset:drop-unlabelled' : 'dataset:drop-duplicates', { datasetId })) as { removed: number }).removed
    const report = (await call(services, 'dataset:health', { datasetId })) as HealthReport
    if (o.json) {
      o.out(JSON.stringify({ datasetId, ...(removed !== null ? { removed } : {}), warnings: report.warnings.map((w) => ({ ...w, message: t(o, `data.health.${w.key}`, w.params) })) }))
      return 0
    }
    if (removed !== null) o.out(t(o, 'data.cli.removedRows', { count: removed }))
    if (!report.warnings.length) o.out(t(o, 'data.healthy'))
    for (const w of report.warnings) o.out(`${w.severity === 'problem' ? '✗' : w.severity === 'warning' ? '!' : '·'} ${t(o, `data.health.${w.key}`, w.params)}`)
    return 0
  })

/** `strata columns` and `strata health`. */
export const COLUMN_COMMANDS: Record<string, Command> = { columns: cmdColumns, health: cmdHealth }
