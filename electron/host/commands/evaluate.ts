import fs from 'node:fs'
import path from 'node:path'
import { dispatch, type ChannelName, type Evaluation, type Prediction, type PredictionNotes, type TryInput } from '../../../common/contract'
import { StrataError } from '../../../common/errors'
import { t, type Args, type Command, type Output } from '../cli-io'
import { createNodeServices } from '../serve'

type CliServices = ReturnType<typeof createNodeServices>

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.bmp', '.tif', '.tiff'])

async function call<T>(services: CliServices, channel: ChannelName, payload: unknown): Promise<T> {
  const result = await dispatch(services.handlers, channel, payload, undefined)
  if (!result.ok) throw new StrataError(result.error.code, result.error.params ?? {}, result.error.detail)
  return result.value as T
}

function runOption(args: Args, o: Output): number {
  const raw = args.options.run
  if (typeof raw !== 'string') throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: '--run' }) })
  const id = Number(raw)
  if (!Number.isInteger(id) || id < 1) throw new StrataError('BAD_ARGUMENTS', { reason: `--run needs a run number, not "${raw}".` })
  return id
}

/** Opens the project named on the command line, runs `work` with the services, and always shuts them down. */
async function withProject(args: Args, o: Output, buildDir: string, work: (services: CliServices) => Promise<number>): Promise<number> {
  const project = args.positional[1]
  if (!project) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: '<project>' }) })
  const services = createNodeServices({ buildDir, emit: () => undefined, pathPolicy: 'any' })
  try {
    await call(services, 'project:open', { path: project })
    return await work(services)
  } finally {
    services.dispose()
  }
}

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`

function printEvaluation(o: Output, e: Evaluation): void {
  o.out(t(o, 'cli.evaluationTitle', { runId: e.runId, split: e.split, items: e.itemCount, checkpoint: e.checkpoint }))
  const r = e.report
  if (r.task === 'regression') {
    o.out(t(o, 'cli.regressionLine', { mae: r.mae.toPrecision(4), mse: r.mse.toPrecision(4), rmse: r.rmse.toPrecision(4), r2: r.r2.toFixed(4) }))
    return
  }
  o.out(t(o, 'cli.accuracyLine', { accuracy: pct(r.accuracy) }))
  const width = Math.max(8, ...r.classes.map((c) => c.length)) + 2
  o.out(`${''.padEnd(width)}${['precision', 'recall', 'F1', 'support'].map((h) => h.padStart(10)).join('')}`)
  for (const c of r.perClass) o.out(`${c.label.padEnd(width)}${[pct(c.precision), pct(c.recall), pct(c.f1), String(c.support)].map((v) => v.padStart(10)).join('')}`)
  o.out(`${'macro'.padEnd(width)}${[pct(r.macro.precision), pct(r.macro.recall), pct(r.macro.f1)].map((v) => v.padStart(10)).join('')}`)
  o.out(`${'weighted'.padEnd(width)}${[pct(r.weighted.precision), pct(r.weighted.recall), pct(r.weighted.f1)].map((v) => v.padStart(10)).join('')}`)
  if (r.binary) o.out(t(o, 'cli.aucLine', { positive: r.binary.positiveClass, roc: r.binary.rocAuc.toFixed(4), pr: r.binary.averagePrecision.toFixed(4) }))
  o.out(t(o, 'cli.confusionTitle'))
  const cell = Math.max(6, ...r.confusion.flat().map((n) => String(n).length + 2), ...r.classes.map((c) => c.length + 2))
  o.out(`${''.padEnd(width)}${r.classes.map((c) => c.padStart(cell)).join('')}`)
  r.confusion.forEach((row, k) => o.out(`${r.classes[k].padEnd(width)}${row.map((n) => String(n).padStart(cell)).join('')}`))
}

const cmdEvaluate: Command = (args, o, buildDir) =>
  withProject(args, o, buildDir, async (services) => {
    const split = typeof args.options.split === 'string' ? args.options.split : 'test'
    if (split !== 'test' && split !== 'validation') throw new StrataError('BAD_ARGUMENTS', { reason: `--split must be test or validation, not "${split}".` })
    const evaluation = await call<Evaluation>(services, 'evaluation:run', { runId: runOption(args, o), split })
    if (o.json) o.out(JSON.stringify(evaluation))
    else printEvaluation(o, evaluation)
    return 0
  })

/** Reads `--input`: an image file, a JSON file or text (a row `{"column": value}` or `{"text": …}`), else the text itself. */
export function readPredictInput(value: string): TryInput {
  const file = path.resolve(value)
  if (fs.existsSync(file) && fs.statSync(file).isFile()) {
    const ext = path.extname(file).toLowerCase()
    if (IMAGE_EXTENSIONS.has(ext)) return { image: fs.readFileSync(file).toString('base64') }
    const text = fs.readFileSync(file, 'utf8')
    return ext === '.json' ? jsonInput(text) : { text }
  }
  return value.trim().startsWith('{') ? jsonInput(value) : { text: value }
}

function jsonInput(text: string): TryInput {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new StrataError('BAD_ARGUMENTS', { reason: `--input is not valid JSON: ${(err as Error).message}` })
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new StrataError('BAD_ARGUMENTS', { reason: '--input JSON must be an object such as {"column": value}.' })
  const record = parsed as Record<string, unknown>
  if (typeof record.text === 'string' && Object.keys(record).length === 1) return { text: record.text }
  return { values: Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)])) }
}

function printPrediction(o: Output, p: Prediction): void {
  if ('value' in p) {
    o.out(t(o, 'cli.predictionValue', { value: p.value.toPrecision(6) }))
    return
  }
  o.out(t(o, 'cli.predictionLabel', { label: p.label, probability: pct(p.probabilities[p.label] ?? 0) }))
  for (const [label, prob] of Object.entries(p.probabilities).sort((a, b) => b[1] - a[1])) o.out(`  ${label.padEnd(16)} ${pct(prob).padStart(7)}`)
}

const cmdPredict: Command = (args, o, buildDir) =>
  withProject(args, o, buildDir, async (services) => {
    const raw = args.options.input
    if (typeof raw !== 'string') throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: '--input' }) })
    const runId = runOption(args, o)
    const { prediction, notes } = await call<{ prediction: Prediction; notes: PredictionNotes }>(services, 'evaluation:predict', { runId, input: readPredictInput(raw) })
    if (o.json) o.out(JSON.stringify({ runId, prediction, notes }))
    else {
      printPrediction(o, prediction)
      if (notes.filled.length) o.out(t(o, 'cli.predictionFilled', { columns: notes.filled.join(', ') }))
      for (const u of notes.unseen) o.out(t(o, 'cli.predictionUnseen', { column: u.column, value: u.value }))
    }
    return 0
  })

/** `strata evaluate` and `strata predict`. */
export const EVALUATE_COMMANDS: Record<string, Command> = { evaluate: cmdEvaluate, predict: cmdPredict }
