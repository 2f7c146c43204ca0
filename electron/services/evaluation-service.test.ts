import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch, type ChannelName, type CrossValidation, type Evaluation, type EvaluationExample, type RunSummary, type TryForm } from '../../common/contract'
import { evaluatedItems } from '../store/evaluations'
import type { Services } from './index'
import { BUILT_ENGINE, callChannel, testServices } from './services.test-helpers'

// The engine runs as the user runs it: the built engine process (`npm run build` first; `npm test` does it).
const ENGINE = BUILT_ENGINE

let dir: string
let services: Services
let progress: unknown[]

const call = <T = unknown>(channel: ChannelName, payload: unknown): Promise<T> => callChannel<T>(services, channel, payload)

/** Churn-like rows: who leaves depends on tenure and support calls (learnable in a few epochs). */
function writeChurnCsv(file: string, rows: number): void {
  const lines = ['customer_id,tenure_months,plan,support_calls,churned']
  let seed = 11
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647)
  for (let i = 0; i < rows; i++) {
    const tenure = Math.floor(rand() * 60)
    const calls = Math.floor(rand() * 8)
    const plan = ['basic', 'plus', 'pro'][Math.floor(rand() * 3)]
    lines.push(`C${1000 + i},${tenure},${plan},${calls},${tenure < 20 && calls > 2 ? 'yes' : 'no'}`)
  }
  fs.writeFileSync(file, lines.join('\n') + '\n')
}

async function until(predicate: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const start = Date.now()
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 100))
  }
}

let runId: number
let projectPath: string

beforeAll(async () => {
  if (!fs.existsSync(ENGINE)) throw new Error('Build Strata first: npm run build')
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-evaluate-'))
  progress = []
  services = testServices(dir, (event, payload) => {
    if (event === 'evaluation:cross-validation-progress') progress.push(payload)
  })
  projectPath = (await call<{ path: string }>('project:create', { name: 'Churn' })).path
  const csv = path.join(dir, 'churn.csv')
  writeChurnCsv(csv, 600)
  const { datasetId } = await call<{ datasetId: string }>('dataset:import', { path: csv, kind: 'table', target: 'churned' })
  const model = await call<{ id: string }>('model:create', { template: 'tabular-classifier', fit: { inputShape: [4], classes: 2 } })
  const run = await call<RunSummary>('training:start', { datasetId, modelId: model.id, config: { epochs: 6, batchSize: 32, learningRate: 0.01 } })
  runId = run.id
  await until(async () => ['completed', 'failed'].includes((await call<RunSummary>('training:run', { runId })).status))
}, 180_000)

afterAll(() => {
  services?.dispose()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('evaluation service', () => {
  let evaluation: Evaluation

  it('evaluates the test split in an engine process: accuracy and confusion matrix agree with the stored per-item predictions', async () => {
    expect(await call('evaluation:get', { runId })).toBeNull()
    evaluation = await call<Evaluation>('evaluation:run', { runId, split: 'test' })
    expect(evaluation).toMatchObject({ runId, split: 'test', stale: false, editsSince: 0, retrained: false })
    const report = evaluation.report
    if (report.task === 'regression') throw new Error('expected a classification report')
    expect(report.task).toBe('classification')
    expect(report.classes).toEqual(['no', 'yes'])
    const items = evaluatedItems(services.projects.require().db, runId, 'test')
    expect(items).toHaveLength(evaluation.itemCount)
    expect(report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(evaluation.itemCount)
    const correct = items.filter((i) => i.actual === i.predicted).length
    expect(report.accuracy).toBeCloseTo(correct / items.length, 10)
    for (const [a, actual] of report.classes.entries()) {
      for (const [p, predicted] of report.classes.entries()) {
        expect(report.confusion[a][p], `${actual}→${predicted}`).toBe(items.filter((i) => i.actual === actual && i.predicted === predicted).length)
      }
    }
    expect(report.accuracy).toBeGreaterThan(0.7)
    expect(report.binary?.rocAuc).toBeGreaterThan(0.7)
    expect(report.binary?.roc.x.length).toBe(report.binary?.roc.thresholds.length)
    expect(report.perClass.map((c) => c.support)).toEqual(report.confusion.map((row) => row.reduce((s, n) => s + n, 0)))
  })

  it('reopening the project shows the same stored results without recomputing', async () => {
    await call('project:close', {})
    await call('project:open', { path: projectPath })
    expect(await call('evaluation:get', { runId, split: 'test' })).toEqual(evaluation)
  })

  it('a confusion-matrix cell lists its items with probabilities; relabelling one records the edit and marks the results stale', async () => {
    const report = evaluation.report as Extract<Evaluation['report'], { classes: string[] }>
    const [a, p] = report.confusion[0][0] > 0 ? ['no', 'no'] : ['yes', 'yes']
    const cell = await call<{ total: number; examples: EvaluationExample[] }>('evaluation:examples', { runId, split: 'test', actual: a, predicted: p, limit: 5 })
    expect(cell.total).toBe(report.confusion[report.classes.indexOf(a)][report.classes.indexOf(p)])
    expect(cell.examples.length).toBe(Math.min(5, cell.total))
    const first = cell.examples[0]
    expect(first.item?.row).not.toBeNull()
    expect(first.probabilities.no + first.probabilities.yes).toBeCloseTo(1, 5)

    const updated = await call<Evaluation>('evaluation:update-item', { runId, split: 'test', itemId: first.itemId, label: a === 'no' ? 'yes' : 'no' })
    expect(updated).toMatchObject({ stale: true, editsSince: 1, retrained: false })
    const again = await call<{ examples: EvaluationExample[] }>('evaluation:examples', { runId, split: 'test', actual: a, predicted: p, limit: 5 })
    expect(again.examples[0].item?.label).toBe(a === 'no' ? 'yes' : 'no')
  })

  it('try it: a typed table row is predicted by the warm engine with the preprocessing saved with the run', async () => {
    const form = await call<TryForm>('evaluation:try-form', { runId })
    expect(form).toMatchObject({ kind: 'table', task: 'classification', classes: ['no', 'yes'], target: 'churned' })
    expect(form.fields.map((f) => f.name)).toEqual(['tenure_months', 'plan', 'support_calls'])
    expect(form.fields.find((f) => f.name === 'plan')).toMatchObject({ type: 'category', categories: expect.arrayContaining(['basic', 'plus', 'pro']) })

    // The same row as a stored test item must get the same answer the evaluation recorded.
    const stored = evaluatedItems(services.projects.require().db, runId, 'test')[0]
    const [item] = (await call<{ examples: EvaluationExample[] }>('evaluation:examples', { runId, split: 'test', actual: stored.actual, predicted: stored.predicted, limit: 200 })).examples.filter(
      (e) => e.itemId === stored.itemId
    )
    const row = item.item!.row!
    const values = { tenure_months: row[1], plan: row[2], support_calls: row[3] }
    const first = await call<{ prediction: { label: string; probabilities: Record<string, number> }; milliseconds: number }>('evaluation:predict', { runId, input: { values } })
    expect(first.prediction.label).toBe(stored.predicted)
    expect(first.prediction.probabilities.yes).toBeCloseTo(stored.output.yes, 4)
    const second = await call<{ milliseconds: number }>('evaluation:predict', { runId, input: { values: { tenure_months: '3', plan: 'basic', support_calls: '6' } } })
    expect(second.milliseconds).toBeLessThan(1000)

    const wrong = await dispatch(services.handlers, 'evaluation:predict', { runId, input: { text: 'hello' } }, undefined)
    expect(wrong).toMatchObject({ ok: false, error: { code: 'DATA_MODEL_MISMATCH' } })
  })

  it('k-fold cross-validation trains k models in an engine process and reports mean ± std of each metric', async () => {
    const cv = await call<CrossValidation>('evaluation:cross-validate', { runId, k: 3, epochs: 2 })
    expect(cv.folds.map((f) => f.fold)).toEqual([1, 2, 3])
    const total = cv.folds.reduce((s, f) => s + f.items, 0)
    const { splits } = await call<{ splits: { train: number; validation: number } }>('dataset:get', { datasetId: (await call<RunSummary>('training:run', { runId })).datasetId })
    expect(total).toBe(splits.train + splits.validation)
    for (const name of ['accuracy', 'macro_f1', 'loss', 'roc_auc']) {
      const values = cv.folds.map((f) => f.metrics[name])
      const mean = values.reduce((a, b) => a + b, 0) / 3
      expect(cv.summary[name].mean, name).toBeCloseTo(mean, 10)
      expect(cv.summary[name].std, name).toBeGreaterThanOrEqual(0)
    }
    expect(cv.summary.accuracy.mean).toBeGreaterThan(0.5)
    expect(progress.length).toBe(3 * 2)
    expect(await call('evaluation:cross-validation', { runId })).toEqual(cv)
  })

  it('a regression run: MAE, MSE, RMSE and R² with points for the plots; try-it answers a value', async () => {
    await call('project:create', { name: 'Prices' })
    const lines = ['rooms,area,price']
    for (let i = 0; i < 240; i++) {
      const rooms = 1 + (i % 5)
      const area = 30 + ((i * 37) % 120)
      lines.push(`${rooms},${area},${1000 * rooms + 50 * area + ((i * 13) % 7) * 10}`)
    }
    const csv = path.join(dir, 'prices.csv')
    fs.writeFileSync(csv, lines.join('\n'))
    const { datasetId } = await call<{ datasetId: string }>('dataset:import', { path: csv, kind: 'table', target: 'price' })
    const model = await call<{ id: string }>('model:create', { template: 'tabular-regressor', fit: { inputShape: [2], task: 'regression' } })
    const run = await call<RunSummary>('training:start', { datasetId, modelId: model.id, config: { epochs: 8, learningRate: 0.01 } })
    await until(async () => ['completed', 'failed'].includes((await call<RunSummary>('training:run', { runId: run.id })).status))
    const evaluation = await call<Evaluation>('evaluation:run', { runId: run.id, split: 'test' })
    const report = evaluation.report
    if (report.task !== 'regression') throw new Error('expected a regression report')
    expect(report.target).toBe('price')
    expect(report.points).toHaveLength(evaluation.itemCount)
    const errors = report.points.map(([a, p]) => p - a)
    expect(report.mae).toBeCloseTo(errors.reduce((s, e) => s + Math.abs(e), 0) / errors.length, 3)
    expect(report.rmse).toBeCloseTo(Math.sqrt(report.mse), 6)
    expect(report.r2).toBeGreaterThan(0.5)
    const { prediction } = await call<{ prediction: { value: number } }>('evaluation:predict', { runId: run.id, input: { values: { rooms: '3', area: '100' } } })
    expect(prediction.value).toBeGreaterThan(3000)
  })

  it('a run without a trained model says so with a coded error', async () => {
    const result = await dispatch(services.handlers, 'evaluation:run', { runId: 999 }, undefined)
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })
})
