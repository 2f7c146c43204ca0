import type {
  ChannelArgs,
  CrossValidation,
  EmitEvent,
  Evaluation,
  EvaluationExample,
  EvaluationSplit,
  Prediction,
  PredictionNotes,
  TryForm,
  TryInput
} from '../../common/contract'
import { checkRow } from '../../common/data/encode'
import { StrataError } from '../../common/errors'
import type { EnginePort } from '../engine/process/protocol'
import type { RawExample } from '../engine/data/prepare-data'
import type { FeatureEncoding, Preprocessing } from '../../common/data/preprocessing'
import { runHasModel } from '../engine/train/run-model'
import type { NewEvaluation } from '../store/evaluations'
import { cellItems, getCrossValidation, getEvaluation, saveCrossValidation, saveEvaluation } from '../store/evaluations'
import { getColumns, itemsById } from '../store/datasets'
import { getRun, runConfig, runPreprocessing } from '../store/runs'
import type { OpenProject } from '../store/project-folder'
import { readRunSpec, runDir } from '../store/run-folder'
import type { DatasetService } from './dataset-service'
import { EngineSession } from '../engine/process/engine-session'

/** A value written as a column's training data writes it: its typical number (with its decimal mark), date or answer. */
function exampleValue(f: FeatureEncoding): string {
  if (f.type === 'number') {
    const v = String(Math.round((f.fill ?? f.mean) * 100) / 100)
    return f.decimal === ',' ? v.replace('.', ',') : v
  }
  if (f.type === 'date') return new Date(Math.round(f.fill) * 86_400_000).toISOString().slice(0, 10)
  if (f.type === 'flag') return `${f.truthy[0] ?? 'yes'} / ${f.falsy[0] ?? 'no'}`
  return f.categories[0] ?? ''
}

/** A warm engine with no try-it request for this long is stopped (the next request starts a fresh one). */
export const WARM_ENGINE_IDLE_MS = 10 * 60 * 1000

/**
 * Evaluates trained runs: evaluations and cross-validations in short-lived engine processes, try-it predictions in one
 * warm engine process that keeps recent models loaded. Results are stored with the run and read back without recomputing.
 */
export class EvaluationService {
  private warm: EngineSession | null = null
  private idleTimer: NodeJS.Timeout | null = null
  private readonly busy = new Set<EngineSession>()

  constructor(
    private readonly opts: { project: () => OpenProject; launchEngine: () => EnginePort; emit: EmitEvent; datasets: DatasetService }
  ) {}

  private trainedRun(runId: number): { project: OpenProject; dir: string; datasetId: string; preprocessing: Preprocessing } {
    const project = this.opts.project()
    const run = getRun(project.db, runId)
    const dir = runDir(project.root, runId)
    const preprocessing = runPreprocessing(project.db, runId)
    if (!preprocessing || !runHasModel(dir)) throw new StrataError('RUN_NOT_TRAINED', { runId })
    return { project, dir, datasetId: run.datasetId, preprocessing }
  }

  /** Runs work in a fresh engine process that ends with it. */
  private async inFreshEngine<T>(work: (session: EngineSession) => Promise<T>): Promise<T> {
    const session = new EngineSession(this.opts.launchEngine())
    this.busy.add(session)
    try {
      return await work(session)
    } finally {
      this.busy.delete(session)
      session.kill()
    }
  }

  /** Computes a run's evaluation on a split in an engine process and stores it with the run. */
  async evaluate(runId: number, split: EvaluationSplit): Promise<Evaluation> {
    const { project, dir, datasetId, preprocessing } = this.trainedRun(runId)
    const result = await this.inFreshEngine((s) =>
      s.request<NewEvaluation>({ type: 'evaluate', job: { runId, projectRoot: project.root, datasetId, runDir: dir, split, preprocessing } })
    )
    saveEvaluation(project.db, result)
    return getEvaluation(project.db, runId, split)!
  }

  /** The stored evaluation of a run on a split, or null. */
  get(runId: number, split: EvaluationSplit): Evaluation | null {
    const { db } = this.opts.project()
    getRun(db, runId)
    return getEvaluation(db, runId, split)
  }

  /** The items of one confusion-matrix cell with their probabilities, as they are in the dataset now. */
  examples(args: ChannelArgs<'evaluation:examples'>): { total: number; examples: EvaluationExample[] } {
    const { db } = this.opts.project()
    const run = getRun(db, args.runId)
    const page = cellItems(db, args.runId, args.split, args.actual, args.predicted, args.offset, args.limit)
    const current = new Map(itemsById(db, run.datasetId, page.items.map((i) => i.itemId)).map((item) => [item.id, item]))
    return {
      total: page.total,
      examples: page.items.map((i) => ({ itemId: i.itemId, actual: i.actual, predicted: i.predicted, probabilities: i.output, item: current.get(i.itemId) ?? null }))
    }
  }

  /** Relabels or removes an item from the drill-down; the dataset records the edit, so the run's results read as stale. */
  updateItem(args: ChannelArgs<'evaluation:update-item'>): Evaluation {
    const { db } = this.opts.project()
    const run = getRun(db, args.runId)
    if (!getEvaluation(db, args.runId, args.split)) throw new StrataError('NOT_FOUND', { what: `The evaluation of run ${args.runId}` })
    this.opts.datasets.updateItem({ datasetId: run.datasetId, itemId: args.itemId, label: args.label, remove: args.remove })
    return getEvaluation(db, args.runId, args.split)!
  }

  /** What the try-it panel asks for: the run's input kind, and for tables one field per feature column. */
  tryForm(runId: number): TryForm {
    const { project, datasetId, preprocessing: p } = this.trainedRun(runId)
    const base = { runId, kind: p.kind, task: p.task, classes: p.task === 'regression' ? [] : (p.classes ?? []), target: p.kind === 'table' ? p.target : null }
    if (p.kind !== 'table') {
      return { ...base, fields: [], image: p.kind === 'images' ? { width: p.width, height: p.height, channels: p.channels } : null }
    }
    const columns = new Map(getColumns(project.db, datasetId).map((c) => [c.name, c]))
    const fields = p.features.map((f) => ({
      name: f.column,
      type: f.type === 'onehot' ? ('category' as const) : f.type === 'flag' ? ('flag' as const) : f.type === 'date' ? ('date' as const) : ('number' as const),
      categories: f.type === 'onehot' ? f.categories : [],
      example: f.type === 'number' || f.type === 'date' ? exampleValue(f) : (columns.get(f.column)?.stats.top[0]?.value ?? null)
    }))
    return { ...base, fields, image: null }
  }

  private warmEngine(): EngineSession {
    if (!this.warm) {
      const session: EngineSession = new EngineSession(this.opts.launchEngine(), () => {
        if (this.warm === session) this.warm = null
      })
      this.warm = session
    }
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => this.stopWarm(), WARM_ENGINE_IDLE_MS)
    this.idleTimer.unref?.()
    return this.warm
  }

  private stopWarm(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
    this.warm?.kill()
    this.warm = null
  }

  /**
   * Turns what the person typed or dropped into the raw example the run's preprocessing reads. A table row is
   * checked first (`checkRow`): a column name the table does not have, or a value its column cannot read
   * (`130hp` for a number), is refused naming it; feature columns left out are filled as training filled them, and said so.
   */
  static rawExample(p: Preprocessing, input: TryInput): { example: RawExample; notes: PredictionNotes } {
    const none: PredictionNotes = { filled: [], unseen: [] }
    if ('image' in input) return { example: { image: Buffer.from(input.image.replace(/^data:[^,]*,/, ''), 'base64') }, notes: none }
    if ('text' in input) return { example: { text: input.text }, notes: none }
    if (p.kind !== 'table') throw new StrataError('DATA_MODEL_MISMATCH', { reason: `this model takes ${p.kind === 'images' ? 'an image' : 'a text'}, not a table row` })
    const checked = checkRow(p, input.values)
    if (checked.unknown.length) {
      throw new StrataError('PREDICT_UNKNOWN_COLUMNS', { columns: checked.unknown.map((c) => `"${c}"`).join(', '), expected: p.features.map((f) => `"${f.column}"`).join(', ') })
    }
    const bad = checked.unreadable[0]
    if (bad) {
      const f = p.features.find((x) => x.column === bad.column)!
      throw new StrataError('PREDICT_UNREADABLE', { column: bad.column, value: bad.value, expected: bad.expected, example: exampleValue(f), count: checked.unreadable.length })
    }
    return { example: { row: checked.row }, notes: { filled: checked.filled, unseen: checked.unseen } }
  }

  /** Runs a run's model on one input in the warm engine (the model stays loaded for the next one). */
  async predict(runId: number, input: TryInput): Promise<{ prediction: Prediction; milliseconds: number; notes: PredictionNotes }> {
    const { dir, preprocessing } = this.trainedRun(runId)
    const { example, notes } = EvaluationService.rawExample(preprocessing, input)
    const started = performance.now()
    const [prediction] = await this.warmEngine().request<Prediction[]>({ type: 'predict', runId, runDir: dir, preprocessing, examples: [example] })
    return { prediction, milliseconds: Math.round(performance.now() - started), notes }
  }

  /** Predicts raw examples (the CLI's inputs) with a run's model. */
  async predictRaw(runId: number, examples: RawExample[]): Promise<Prediction[]> {
    const { dir, preprocessing } = this.trainedRun(runId)
    return this.warmEngine().request<Prediction[]>({ type: 'predict', runId, runDir: dir, preprocessing, examples })
  }

  /** k-fold cross-validation of a run's model and settings (k trainings in an engine process), stored with the run. */
  async crossValidate(runId: number, k: number, epochs?: number): Promise<CrossValidation> {
    const project = this.opts.project()
    const run = getRun(project.db, runId)
    const spec = readRunSpec(runDir(project.root, runId), runId)
    if (!spec) throw new StrataError('RUN_NOT_TRAINED', { runId })
    const config = { ...runConfig(project.db, runId), ...(epochs ? { epochs } : {}) }
    const result = await this.inFreshEngine((s) =>
      s.request<CrossValidation>({ type: 'cross-validate', job: { runId, projectRoot: project.root, datasetId: run.datasetId, spec, config, k } }, (progress) =>
        this.opts.emit('evaluation:cross-validation-progress', progress)
      )
    )
    saveCrossValidation(project.db, result)
    return result
  }

  /** The stored cross-validation of a run, or null. */
  crossValidation(runId: number): CrossValidation | null {
    const { db } = this.opts.project()
    getRun(db, runId)
    return getCrossValidation(db, runId)
  }

  /** Stops every engine process this service started. */
  dispose(): void {
    this.stopWarm()
    for (const s of this.busy) s.kill()
    this.busy.clear()
  }
}
