import { dispatch, isFinalStatus, type ChannelName, type EmitEvent, type RunDetail, type RunSummary, type TrainingProgress } from '../../../common/contract'
import { StrataError, type AppError } from '../../../common/errors'
import { t, type Args, type Command, type Output } from '../cli-io'
import { createNodeServices } from '../serve'

type CliServices = ReturnType<typeof createNodeServices>

async function call<T>(services: CliServices, channel: ChannelName, payload: unknown): Promise<T> {
  const result = await dispatch(services.handlers, channel, payload, undefined)
  if (!result.ok) throw appErrorToStrata(result.error)
  return result.value as T
}

function appErrorToStrata(error: AppError): StrataError {
  return new StrataError(error.code, error.params ?? {}, error.detail)
}

function numberOption(args: Args, name: string): number | undefined {
  const raw = args.options[name]
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (typeof raw !== 'string' || !Number.isFinite(value)) throw new StrataError('BAD_ARGUMENTS', { reason: `--${name} needs a number, not "${String(raw)}".` })
  return value
}

function requireOption(args: Args, o: Output, name: string): string {
  const value = args.options[name]
  if (typeof value !== 'string') throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: `--${name}` }) })
  return value
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '…'
  return s < 60 ? `${Math.ceil(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`
}

function formatMetrics(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${k} ${v.toFixed(4)}`)
    .join(' · ')
}

/** Opens the project, runs `work` with services whose events print progress, and waits for the run to end. */
async function watchRun(args: Args, o: Output, buildDir: string, work: (services: CliServices) => Promise<RunSummary>): Promise<number> {
  const project = args.positional[1]
  if (!project) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: '<project>' }) })
  let runId = -1
  let finished: (summary: RunSummary) => void = () => undefined
  const ended = new Promise<RunSummary>((resolve) => (finished = resolve))
  const tty = !o.json && process.stdout.isTTY
  const emit: EmitEvent = (event, payload) => {
    if (event === 'training:progress') {
      const p = payload as TrainingProgress
      if (p.runId === runId && tty) {
        process.stdout.write(`\r${t(o, 'cli.trainProgress', { epoch: p.epoch, epochs: p.epochs, batch: p.batch, batches: p.batches, loss: p.loss.toFixed(4), rate: Math.round(p.samplesPerSecond), eta: formatSeconds(p.etaSeconds) })}\u001b[K`)
      }
    } else if (event === 'training:epoch') {
      const e = payload as { runId: number; epoch: number; metrics: Record<string, number> }
      if (e.runId === runId && !o.json) o.out(`${tty ? '\r\u001b[K' : ''}${t(o, 'cli.trainEpoch', { epoch: e.epoch, metrics: formatMetrics(e.metrics) })}`)
    } else if (event === 'training:status') {
      const s = payload as RunSummary
      if (s.id === runId && isFinalStatus(s.status)) finished(s)
    }
  }
  const services = createNodeServices({ buildDir, emit, pathPolicy: 'any' })
  const stopOnSignal = (): void => void services.training.stop(runId)
  try {
    await call(services, 'project:open', { path: project })
    const started = await work(services)
    runId = started.id
    if (!o.json) o.out(t(o, 'cli.trainStarted', { runId }))
    process.once('SIGINT', stopOnSignal)
    const summary = await ended
    const detail = await call<RunDetail>(services, 'training:run', { runId })
    if (o.json) {
      o.out(JSON.stringify({ runId, status: summary.status, backend: detail.backend, epochs: detail.epochsDone, metrics: detail.lastMetrics, ...(detail.message ? { message: detail.message } : {}) }))
    } else {
      o.out(t(o, 'cli.trainEnded', { runId, status: t(o, `train.status.${summary.status}`), backend: detail.backend ? t(o, `backends.${detail.backend}`) : '?' }))
      if (detail.message) o.out(detail.message)
      if (Object.keys(detail.lastMetrics).length) o.out(formatMetrics(detail.lastMetrics))
    }
    return summary.status === 'completed' ? 0 : 1
  } finally {
    process.off('SIGINT', stopOnSignal)
    services.dispose()
  }
}

const cmdTrain: Command = (args, o, buildDir) =>
  watchRun(args, o, buildDir, (services) => {
    const config = Object.fromEntries(
      Object.entries({
        epochs: numberOption(args, 'epochs'),
        batchSize: numberOption(args, 'batch-size'),
        learningRate: numberOption(args, 'lr'),
        optimizer: args.options.optimizer,
        backend: args.options.backend,
        seed: numberOption(args, 'seed'),
        maxTrainItems: numberOption(args, 'max-items'),
        classWeights: args.options['class-weights']
      }).filter(([, v]) => v !== undefined)
    )
    if (args.options['early-stopping'] !== undefined) {
      Object.assign(config, { earlyStopping: { enabled: true, patience: numberOption(args, 'early-stopping') ?? 3, monitor: 'val_loss', restoreBestWeights: true } })
    }
    return call<RunSummary>(services, 'training:start', { datasetId: requireOption(args, o, 'dataset'), modelId: requireOption(args, o, 'model'), config })
  })

const cmdResume: Command = (args, o, buildDir) =>
  watchRun(args, o, buildDir, (services) => call<RunSummary>(services, 'training:resume', { runId: numberOption(args, 'run') ?? Number(requireOption(args, o, 'run')) }))

const cmdRuns: Command = async (args, o, buildDir) => {
  const project = args.positional[1]
  if (!project) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: '<project>' }) })
  const services = createNodeServices({ buildDir, emit: () => undefined, pathPolicy: 'any' })
  try {
    await call(services, 'project:open', { path: project })
    const runs = await call<RunSummary[]>(services, 'training:runs', {})
    if (o.json) o.out(JSON.stringify({ runs }))
    else for (const r of runs) o.out(t(o, 'cli.runLine', { id: r.id, status: t(o, `train.status.${r.status}`), epochs: `${r.epochsDone}/${r.epochs}`, backend: r.backend ?? '-', metrics: formatMetrics(r.lastMetrics) }))
    return 0
  } finally {
    services.dispose()
  }
}

/** `strata train`, `strata resume` and `strata runs`. */
export const TRAINING_COMMANDS: Record<string, Command> = { train: cmdTrain, resume: cmdResume, runs: cmdRuns }
