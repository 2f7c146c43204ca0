import type { DatasetColumn, DatasetKind, ImportResult } from '../../../common/contract/dataset'
import { DatasetKind as DatasetKindSchema } from '../../../common/contract/dataset'
import { StrataError } from '../../../common/errors'
import { getDataset, listDatasets } from '../../store/datasets'
import { importDataset } from '../../store/import'
import { openProject } from '../../store/project-folder'
import { t, type Command, type Output } from '../cli-io'
import { columnChoices, readingOptions } from './column-options'
import { differenceText } from '../../../common/data/choices'

/** Most skipped files printed in plain-text mode; --json lists them all. */
const MAX_PRINTED_SKIPPED = 20

function option(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function printColumns(o: Output, columns: DatasetColumn[], target: string | null): void {
  if (!columns.length) return
  o.out(t(o, 'data.cli.columnsTitle'))
  for (const c of columns) {
    const marks = (c.name === target ? t(o, 'data.cli.targetMark') : '') + (c.excluded ? t(o, 'data.cli.excludedMark') : '')
    o.out(t(o, 'data.cli.columnLine', { name: c.name, type: c.type, missing: c.missing, marks }))
  }
}

function printImport(o: Output, result: ImportResult, name: string, target: string | null, seed: number): void {
  if (result.duplicateOf) {
    o.out(t(o, 'data.cli.duplicate', { name, id: result.datasetId }))
    return
  }
  o.out(t(o, 'data.cli.imported', { count: result.imported, name, kind: result.kind, id: result.datasetId }))
  if (result.variantOf) {
    o.out(t(o, 'data.cli.variantOf', { name: result.variantOf.name, id: result.variantOf.datasetId }))
    for (const d of result.variantOf.differences) o.out(`  ${differenceText((key, params) => t(o, key, params), d)}`)
  }
  if (result.unlabelled) o.out(t(o, 'data.cli.unlabelled', { count: result.unlabelled }))
  if (result.skipped.length) {
    o.out(t(o, 'data.cli.skippedTitle', { count: result.skipped.length }))
    for (const s of result.skipped.slice(0, MAX_PRINTED_SKIPPED)) {
      o.out(t(o, 'data.cli.skippedLine', { file: s.file, reason: t(o, `data.skip.${s.code}`, { detail: s.detail ?? '' }) }))
    }
    if (result.skipped.length > MAX_PRINTED_SKIPPED) o.out(t(o, 'data.cli.skippedMore', { count: result.skipped.length - MAX_PRINTED_SKIPPED }))
  }
  if (result.classes.length) {
    o.out(t(o, 'data.cli.classesTitle'))
    for (const c of result.classes) o.out(t(o, 'data.cli.classLine', { label: c.label, count: c.count }))
  }
  printColumns(o, result.columns, target)
  o.out(t(o, 'data.cli.splits', { ...result.splits, seed }))
}

const cmdImport: Command = async (args, o) => {
  const [, projectPath, source] = args.positional
  if (!projectPath) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: '<project>' }) })
  if (!source) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: '<path>' }) })
  const kindText = option(args.options.kind)
  let kind: DatasetKind | undefined
  if (kindText !== undefined) {
    const parsed = DatasetKindSchema.safeParse(kindText)
    if (!parsed.success) throw new StrataError('BAD_ARGUMENTS', { reason: `--kind must be images, table or text, not "${kindText}".` })
    kind = parsed.data
  }
  const ragged = option(args.options.ragged) ?? 'skip'
  if (ragged !== 'skip' && ragged !== 'refuse') throw new StrataError('BAD_ARGUMENTS', { reason: `--ragged must be skip or refuse, not "${ragged}".` })
  const seedText = option(args.options.seed)
  const seed = seedText === undefined ? undefined : Number(seedText)
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 31)) {
    throw new StrataError('BAD_ARGUMENTS', { reason: `--seed must be a whole number from 0 to 2147483647, not "${seedText}".` })
  }
  const project = openProject(projectPath)
  try {
    const controller = new AbortController()
    const stop = (): void => controller.abort()
    process.once('SIGINT', stop)
    let result: ImportResult
    try {
      result = await importDataset(
        project,
        source,
        {
          name: option(args.options.name),
          kind,
          target: option(args.options.target),
          textColumn: option(args.options['text-column']),
          ragged,
          seed,
          ...readingOptions(args, o),
          columns: columnChoices(args, o)
        },
        { signal: controller.signal }
      )
    } finally {
      process.removeListener('SIGINT', stop)
    }
    const dataset = getDataset(project.db, result.datasetId)
    if (o.json) {
      const { datasetId, kind: k, imported, skipped, splits, duplicateOf, variantOf, reading, unlabelled } = result
      const shape = k === 'images' || k === 'text' ? { classes: result.classes } : { classes: result.classes, columns: result.columns }
      o.out(JSON.stringify({ datasetId, kind: k, imported, skipped, ...shape, splits, duplicateOf, variantOf, reading, unlabelled, seed: dataset.seed, target: dataset.target }))
    } else printImport(o, result, dataset.name, dataset.target, dataset.seed)
    return 0
  } finally {
    project.close()
  }
}

const cmdDatasets: Command = async (args, o) => {
  const projectPath = args.positional[1]
  if (!projectPath) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: '<project>' }) })
  const project = openProject(projectPath)
  try {
    const datasets = listDatasets(project.db)
    if (o.json) {
      o.out(
        JSON.stringify({
          datasets: datasets.map((d) => ({
            id: d.id,
            name: d.name,
            kind: d.kind,
            source: d.source,
            createdAt: d.createdAt,
            items: d.itemCount,
            classes: d.classes,
            target: d.target,
            seed: d.seed,
            ratios: d.ratios,
            splits: d.splits
          }))
        })
      )
    } else if (!datasets.length) o.out(t(o, 'data.cli.listEmpty'))
    else for (const d of datasets) o.out(t(o, 'data.cli.listLine', { id: d.id, name: d.name, kind: d.kind, count: d.itemCount, ...d.splits }))
    return 0
  } finally {
    project.close()
  }
}

/** `strata import` and `strata datasets`. */
export const DATASET_COMMANDS: Record<string, Command> = {
  import: cmdImport,
  datasets: cmdDatasets
}
