import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { TrainConfig } from '../../common/contract'
import { emptySpec } from '../../common/model/spec'
import { ExperimentService } from '../services/experiment-service'
import { runDir } from './run-folder'
import { saveEvaluation } from './evaluations'
import { getExperiment, listExperiments, updateExperiment } from './experiments'
import { ModelStore } from './model-store'
import { createProject, type OpenProject } from './project-folder'
import { addEpoch, createRun, setRunStatus } from './runs'
import { tempDir } from './data.test-helpers'

let dir: string
let project: OpenProject

beforeEach(() => {
  dir = tempDir('strata-experiments-')
  project = createProject(path.join(dir, 'Many'), 'Many')
})
afterEach(() => {
  project.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** Inserts `count` finished runs with `epochs` epochs each, straight into the store. */
function insertRuns(count: number, epochs: number): string {
  const model = new ModelStore(project.db).create('MLP', emptySpec('MLP'), null)
  project.db.transaction(() => {
    for (let r = 0; r < count; r++) {
      const config = TrainConfig.parse({ epochs, learningRate: 0.001 * (1 + (r % 5)), batchSize: 16 * (1 + (r % 3)) })
      const id = createRun(project.db, { datasetId: 'd0', modelId: model.id, config })
      for (let e = 1; e <= epochs; e++) {
        const acc = 0.5 + 0.4 * (e / epochs) * ((r % 7) + 1) / 7
        addEpoch(project.db, id, { epoch: e, metrics: { loss: 1 / e, acc, val_loss: 1.1 / e, val_acc: e === epochs ? acc - 0.05 : acc }, learningRate: 0.001, seconds: 0.5 })
      }
      setRunStatus(project.db, id, 'completed')
    }
  })()
  return model.id
}

describe('experiment history', () => {
  it('lists 500 runs with 20 epochs each as compact rows quickly, best and last main metric per run', () => {
    insertRuns(500, 20)
    const started = performance.now()
    const rows = listExperiments(project.db)
    const ms = performance.now() - started
    expect(rows).toHaveLength(500)
    expect(ms, `listing took ${ms.toFixed(0)} ms`).toBeLessThan(500)
    const newest = rows[0]
    expect(newest.id).toBe(500)
    expect(newest).toMatchObject({ mainMetric: 'val_acc', higherIsBetter: true, modelName: 'MLP', modelVersion: 1, epochsDone: 20, status: 'completed' })
    // The best validation accuracy came one epoch before the last (which dropped by 0.05).
    expect(newest.best!).toBeGreaterThan(newest.last!)
    expect(newest.best! - newest.last!).toBeCloseTo(0.05 - 0.4 * (1 / 20) * ((499 % 7) + 1) / 7, 6)
    expect(JSON.stringify(rows).length / rows.length, 'rows stay compact (no curves)').toBeLessThan(700)
  })

  it('notes, tags and archiving are saved; tags are trimmed without repeats', () => {
    insertRuns(2, 2)
    updateExperiment(project.db, 1, { notes: 'baseline', tags: [' small ', 'small', 'adam'], archived: true })
    expect(getExperiment(project.db, 1)).toMatchObject({ notes: 'baseline', tags: ['small', 'adam'], archived: true })
    expect(getExperiment(project.db, 2)).toMatchObject({ notes: '', tags: [], archived: false })
  })

  it('deleting a run removes its records, its evaluations and its folder; a training run is refused', () => {
    insertRuns(2, 2)
    const folder = runDir(project.root, 1)
    fs.mkdirSync(path.join(folder, 'checkpoints', 'last'), { recursive: true })
    fs.writeFileSync(path.join(folder, 'model-spec.json'), JSON.stringify({ nodes: [{ id: 'input_1', type: 'Input', params: { shape: [3] } }] }))
    saveEvaluation(project.db, {
      runId: 1,
      split: 'test',
      itemCount: 1,
      checkpoint: 'best',
      backend: 'cpu',
      report: { task: 'regression', target: 'y', mae: 0, mse: 0, rmse: 0, r2: 1, points: [] },
      items: [{ itemId: 1, actual: '1', predicted: '1', output: { value: 1 } }]
    })
    const service = new ExperimentService({ project: () => project, isTraining: (id) => id === 2 })
    expect(service.compare([1, 2]).map((c) => c.layers.length)).toEqual([1, 0])
    expect(service.delete(1)).toBe(true)
    expect(fs.existsSync(folder)).toBe(false)
    expect(listExperiments(project.db).map((r) => r.id)).toEqual([2])
    for (const table of ['run_epochs', 'evaluations', 'evaluation_items']) {
      expect((project.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id = 1`).get() as { n: number }).n, table).toBe(0)
    }
    expect(() => service.delete(2)).toThrow(/RUN_BUSY|is completed/)
  })
})
