import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatasetFitInfo, DatasetSummary, Evaluation, HealthReport, ModelRecord, ProjectSummary, RunDetail, RunSummary } from '../../common/contract'
import { parseNumberCell } from '../../common/data/cells'
import { regressionReport } from '../../common/metrics'
import { iterateItems } from '../store/datasets'
import { evaluatedItems } from '../store/evaluations'
import { runPreprocessing } from '../store/runs'
import type { Services } from './index'
import { BUILT_ENGINE, callChannel, testServices } from './services.test-helpers'

// Founder-shaped messy tables through the real services and the built engine process (`npm run build` first).
let dir: string
let services: Services
const warnings: Array<{ runId: number; key: string; params: Record<string, string | number> }> = []

const call = <T = unknown>(channel: Parameters<typeof callChannel>[1], payload: unknown): Promise<T> => callChannel<T>(services, channel, payload)
const refusal = (channel: Parameters<typeof callChannel>[1], payload: unknown): Promise<{ code: string; message: string; params?: Record<string, unknown> }> =>
  call(channel, payload).then(
    () => {
      throw new Error(`${channel} was expected to refuse`)
    },
    (err: { code: string; message: string; params?: Record<string, unknown> }) => err
  )

/** A deterministic stream of numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed
  return () => (s = (s * 16807) % 2147483647) / 2147483647
}

async function trained(datasetId: string, modelId: string, config: Record<string, unknown>): Promise<RunDetail> {
  const run = await call<RunSummary>('training:start', { datasetId, modelId, config })
  const start = Date.now()
  for (;;) {
    const detail = await call<RunDetail>('training:run', { runId: run.id })
    if (['completed', 'failed', 'stopped'].includes(detail.status)) {
      if (detail.status !== 'completed') throw new Error(`run ${run.id} ${detail.status}: ${detail.message}`)
      return detail
    }
    if (Date.now() - start > 150_000) throw new Error('timed out waiting for the run')
    await new Promise((r) => setTimeout(r, 100))
  }
}

function write(name: string, rows: Array<Array<string | number>>): string {
  const file = path.join(dir, name)
  fs.writeFileSync(file, rows.map((r) => r.join(',')).join('\n') + '\n')
  return file
}

/** Cars-shaped rows: mpg falls with cylinders and weight; 8 rows have no mpg and one horsepower is "?". */
function cars(): Array<Array<string | number>> {
  const r = random(3)
  const rows: Array<Array<string | number>> = [['mpg', 'cylinders', 'horsepower', 'weight', 'origin']]
  for (let i = 0; i < 240; i++) {
    const cyl = [4, 6, 8][Math.floor(r() * 3)]
    const weight = 1800 + cyl * 350 + Math.floor(r() * 600)
    const mpg = 60 - cyl * 2.5 - weight / 200 + r() * 2
    rows.push([i % 30 === 7 ? '' : mpg.toFixed(1), cyl, i === 11 ? '?' : 50 + cyl * 14 + Math.floor(r() * 20), weight, ['usa', 'europe', 'japan'][i % 3]])
  }
  return rows
}

/** Iris-shaped rows: three species told apart by petal size. */
function iris(): Array<Array<string | number>> {
  const r = random(9)
  const rows: Array<Array<string | number>> = [['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species']]
  for (let i = 0; i < 150; i++) {
    const k = i % 3
    rows.push([(5 + k * 0.7 + r() * 0.6).toFixed(1), (3.2 - k * 0.2 + r() * 0.4).toFixed(1), (1.4 + k * 2.2 + r() * 0.5).toFixed(1), (0.2 + k * 0.8 + r() * 0.3).toFixed(1), ['setosa', 'versicolor', 'virginica'][k]])
  }
  return rows
}

beforeAll(async () => {
  if (!fs.existsSync(BUILT_ENGINE)) throw new Error('Build Strata first: npm run build')
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-messy-'))
  services = testServices(dir, (event, payload) => {
    if (event === 'training:warning') warnings.push(payload as (typeof warnings)[number])
  })
  await call('project:create', { name: 'Messy' })
})

afterAll(() => {
  services?.dispose()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('a regression table with rows that have no target (cars without mpg)', () => {
  let datasetId: string
  let run: RunDetail

  beforeAll(async () => {
    datasetId = (await call<{ datasetId: string }>('dataset:import', { path: write('cars.csv', cars()), target: 'mpg', seed: 4 })).datasetId
    const model = await call<ModelRecord>('model:create', { template: 'linear-regression', datasetId })
    run = await trained(datasetId, model.id, { epochs: 30, learningRate: 0.05, seed: 1 })
  }, 180_000)

  it('trains on the rows with a target only: the saved target mean is theirs', () => {
    const db = services.projects.require().db
    const p = runPreprocessing(db, run.id)
    if (p?.kind !== 'table') throw new Error('a table run')
    const mpg = [...iterateItems(db, datasetId, { split: 'train' })].map((i) => parseNumberCell(i.label))
    expect(mpg.every((v) => v !== null)).toBe(true)
    const mean = (mpg as number[]).reduce((a, b) => a + b, 0) / mpg.length
    expect(p.targetMean).toBeCloseTo(mean, 6)
    expect(p.task).toBe('regression')
    // "?" was read as missing and filled with the training mean, not turned into a category or a 0.
    const horsepower = p.features.find((f) => f.column === 'horsepower')
    expect(horsepower).toMatchObject({ type: 'number', missing: expect.arrayContaining(['?']) })
  })

  it('scores the test rows that have a target, and the reported metrics are theirs', async () => {
    const evaluation = await call<Evaluation>('evaluation:run', { runId: run.id, split: 'test' })
    const db = services.projects.require().db
    const test = [...iterateItems(db, datasetId, { split: 'test' })]
    const summary = await call<DatasetSummary>('dataset:get', { datasetId })
    expect(summary.unlabelled).toBe(8)
    expect(evaluation.itemCount).toBe(summary.splits.test)
    const items = evaluatedItems(db, run.id, 'test')
    expect(items.map((i) => i.itemId).sort((a, b) => a - b)).toEqual(test.map((i) => i.id).sort((a, b) => a - b))
    const actual = items.map((i) => Number(i.actual))
    const predicted = items.map((i) => Number(i.predicted))
    expect(actual.every(Number.isFinite)).toBe(true)
    const report = evaluation.report
    if (report.task !== 'regression') throw new Error('a regression report')
    const expected = regressionReport(actual, predicted)
    expect(report.mae).toBeCloseTo(expected.mae, 6)
    expect(report.r2).toBeCloseTo(expected.r2, 6)
    expect(report.r2).toBeGreaterThan(0.5)
  })

  it('predict refuses a misspelt column and an unreadable value by name, and says which columns it filled', async () => {
    const misspelt = await refusal('evaluation:predict', { runId: run.id, input: { values: { cylinders: '4', horsepowr: '90', weight: '2500', origin: 'usa' } } })
    expect(misspelt).toMatchObject({ code: 'PREDICT_UNKNOWN_COLUMNS', params: { columns: '"horsepowr"' } })
    expect(misspelt.message).toContain('"horsepower"')
    const unreadable = await refusal('evaluation:predict', { runId: run.id, input: { values: { cylinders: '4', horsepower: '130hp', weight: '2500', origin: 'usa' } } })
    expect(unreadable).toMatchObject({ code: 'PREDICT_UNREADABLE', params: { column: 'horsepower', value: '130hp', expected: 'number' } })
    const filled = await call<{ prediction: { value: number }; notes: { filled: string[]; unseen: unknown[] } }>('evaluation:predict', {
      runId: run.id,
      input: { values: { cylinders: '4', weight: '2500', origin: 'mars', mpg: '30' } }
    })
    expect(filled.notes).toEqual({ filled: ['horsepower'], unseen: [{ column: 'origin', value: 'mars' }] })
    expect(Number.isFinite(filled.prediction.value)).toBe(true)
  })
})

describe('a head that cannot learn the target (a regressor on species)', () => {
  it('is refused at Train with the fix; fitting the model to the dataset makes it train as a classifier', async () => {
    const { datasetId } = await call<{ datasetId: string }>('dataset:import', { path: write('iris.csv', iris()), seed: 2 })
    const fit = await call<DatasetFitInfo>('dataset:fit', { datasetId })
    expect(fit).toMatchObject({ inputShape: [4], task: 'classification', classes: 3, accepts: ['classification'] })
    // Made without the dataset, the regressor template keeps its Input 8 and its regression head.
    const model = await call<ModelRecord>('model:create', { template: 'tabular-regressor' })
    const refused = await refusal('training:start', { datasetId, modelId: model.id, config: { epochs: 1 } })
    expect(refused).toMatchObject({ code: 'MODEL_TASK_MISMATCH', params: { head: 'regression', task: 'classification', target: 'species' } })
    expect(refused.message).toMatch(/Fit the model to the dataset/)
    expect((await call<RunSummary[]>('training:runs', {})).every((r) => r.modelId !== model.id)).toBe(true)

    const fitted = await call<ModelRecord>('model:fit-dataset', { id: model.id, datasetId })
    expect(fitted.version).toBe(2)
    expect(fitted.spec.task).toEqual({ kind: 'classification', classes: 3 })
    expect(fitted.spec.nodes.find((n) => n.type === 'Input')?.params.shape).toEqual([4])
    const last = fitted.spec.nodes.at(-1)!
    expect(last.params).toMatchObject({ units: 3, activation: 'softmax' })
    const run = await trained(datasetId, model.id, { epochs: 2 })
    expect(Object.keys(run.lastMetrics)).toContain('acc')
  }, 120_000)
})

describe('--seed reproduces a run', () => {
  it('the same seed on the same backend gives the same loss curve (initial weights, dropout, shuffling); another seed does not', async () => {
    const { datasetId } = await call<{ datasetId: string }>('dataset:import', { path: write('iris-seed.csv', iris()), seed: 3, name: 'iris for seeds' })
    // The table classifier has a Dropout layer.
    const model = await call<ModelRecord>('model:create', { template: 'tabular-classifier', datasetId })
    expect(model.spec.nodes.some((n) => n.type === 'Dropout')).toBe(true)
    const config = { epochs: 4, batchSize: 16, learningRate: 0.01, seed: 17, backend: 'cpu' }
    const a = await trained(datasetId, model.id, config)
    const b = await trained(datasetId, model.id, config)
    const c = await trained(datasetId, model.id, { ...config, seed: 18 })
    const curve = (r: RunDetail) => r.history.map((e) => e.metrics.loss)
    expect(curve(a)).toHaveLength(4)
    curve(a).forEach((loss, i) => expect(Math.abs(loss - curve(b)[i]), `epoch ${i + 1}`).toBeLessThanOrEqual(1e-6))
    a.history.forEach((e, i) => expect(Math.abs(e.metrics.val_loss - b.history[i].metrics.val_loss)).toBeLessThanOrEqual(1e-6))
    expect(curve(c).some((loss, i) => Math.abs(loss - curve(a)[i]) > 1e-4)).toBe(true)
  }, 180_000)
})

describe('imbalanced classes (weather with rare drizzle)', () => {
  it('Health suggests balanced class weights; with them the rare class is found, without them it never is', async () => {
    const r = random(21)
    const rows: Array<Array<string | number>> = [['precipitation', 'temp_max', 'wind', 'weather']]
    for (let i = 0; i < 900; i++) {
      const kind = i % 15 === 0 ? 'drizzle' : i % 3 === 0 ? 'rain' : 'sun'
      const precipitation = kind === 'rain' ? 3 + r() * 10 : r() * 0.6
      // Drizzle days are a little cooler than sunny ones, with much overlap: a model that ignores them loses little.
      const temp = (kind === 'drizzle' ? 15 : kind === 'rain' ? 10 : 16) + r() * 9
      rows.push([precipitation.toFixed(1), temp.toFixed(1), (r() * 6).toFixed(1), kind])
    }
    const { datasetId } = await call<{ datasetId: string }>('dataset:import', { path: write('weather.csv', rows), seed: 5 })
    const health = await call<HealthReport>('dataset:health', { datasetId })
    expect(health.warnings.find((w) => w.key === 'imbalanced')).toMatchObject({ params: { smallest: 'drizzle' }, fix: { kind: 'balance-classes' } })
    const project = await call<ProjectSummary>('project:set-training-defaults', { changes: { classWeights: 'balanced' } })
    expect(project.trainingDefaults?.classWeights).toBe('balanced')

    const model = await call<ModelRecord>('model:create', { template: 'tabular-classifier', datasetId })
    const recall = async (classWeights: 'none' | 'balanced'): Promise<number> => {
      const run = await trained(datasetId, model.id, { epochs: 25, learningRate: 0.01, seed: 2, classWeights })
      const evaluation = await call<Evaluation>('evaluation:run', { runId: run.id, split: 'test' })
      if (evaluation.report.task === 'regression') throw new Error('classes')
      return evaluation.report.perClass.find((c) => c.label === 'drizzle')!.recall
    }
    expect(await recall('none')).toBe(0)
    expect(await recall('balanced')).toBeGreaterThan(0)
  }, 240_000)
})

describe('long texts (emails)', () => {
  it('the sequence length is chosen from the training texts and shown with how many it cuts; a shorter model is warned at Train', async () => {
    const r = random(5)
    const words = ['offer', 'meeting', 'free', 'project', 'click', 'report', 'winner', 'schedule', 'money', 'team']
    const rows: Array<Array<string | number>> = [['email', 'label']]
    for (let i = 0; i < 120; i++) {
      const spam = i % 2 === 0
      const n = 120 + Math.floor(r() * 200)
      const text = Array.from({ length: n }, (_, k) => words[(k * 7 + (spam ? 0 : 1) + Math.floor(r() * 3) * 2) % 10]).join(' ')
      rows.push([`"${text}"`, spam ? 'spam' : 'ham'])
    }
    const { datasetId } = await call<{ datasetId: string }>('dataset:import', { path: write('emails.csv', rows), kind: 'text', target: 'label', textColumn: 'email', seed: 1 })
    const fit = await call<DatasetFitInfo>('dataset:fit', { datasetId })
    expect(fit.task).toBe('binary')
    expect(fit.text).toMatchObject({ percentile: 95 })
    expect(fit.text!.sequenceLength).toBeGreaterThan(250)
    expect(fit.text!.cut).toBeLessThanOrEqual(Math.ceil(fit.text!.texts * 0.05))
    expect(fit.inputShape).toEqual([fit.text!.sequenceLength])
    const fitted = await call<ModelRecord>('model:create', { template: 'text-embedding', datasetId })
    expect(fitted.spec.nodes.find((n) => n.type === 'Input')?.params.shape).toEqual([fit.text!.sequenceLength])

    // A model made without the dataset reads 100 words: nearly every email is cut, and Train says so.
    const short = await call<ModelRecord>('model:create', { template: 'text-embedding' })
    const run = await trained(datasetId, short.id, { epochs: 1 })
    const p = runPreprocessing(services.projects.require().db, run.id)
    if (p?.kind !== 'text') throw new Error('a text run')
    expect(p).toMatchObject({ sequenceLength: 100, trainTexts: fit.text!.texts })
    expect(p.cutTexts).toBe(fit.text!.texts)
    expect(warnings.find((w) => w.runId === run.id && w.key === 'textsCut')).toMatchObject({ params: { cut: fit.text!.texts, length: 100 } })
  }, 120_000)
})
