import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { TrainConfig } from '../../common/contract'
import { cellItems, getEvaluation, recordDatasetEdit, saveEvaluation, type NewEvaluation } from './evaluations'
import { createProject, type OpenProject } from './project-folder'
import { createRun, setCheckpoint } from './runs'
import { tempDir } from './data.test-helpers'

let dir: string
let project: OpenProject

beforeEach(() => {
  dir = tempDir('strata-evaluations-')
  project = createProject(path.join(dir, 'P'), 'P')
})
afterEach(() => {
  project.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

function evaluation(runId: number): NewEvaluation {
  return {
    runId,
    split: 'test',
    itemCount: 3,
    checkpoint: 'best',
    backend: 'cpu',
    report: { task: 'classification', classes: ['a', 'b'], accuracy: 2 / 3, perClass: [], macro: { precision: 0, recall: 0, f1: 0 }, weighted: { precision: 0, recall: 0, f1: 0 }, confusion: [[1, 1], [0, 1]], binary: null },
    items: [
      { itemId: 1, actual: 'a', predicted: 'a', output: { a: 0.9, b: 0.1 } },
      { itemId: 2, actual: 'a', predicted: 'b', output: { a: 0.4, b: 0.6 } },
      { itemId: 3, actual: 'b', predicted: 'b', output: { a: 0.2, b: 0.8 } }
    ]
  }
}

describe('stored evaluations', () => {
  it('read back as saved, with each cell’s items; a second evaluation replaces the first', () => {
    const runId = createRun(project.db, { datasetId: 'd1', modelId: 'm1', config: TrainConfig.parse({}) })
    setCheckpoint(project.db, runId, 'best', 3)
    saveEvaluation(project.db, evaluation(runId))
    saveEvaluation(project.db, evaluation(runId))
    expect(getEvaluation(project.db, runId, 'test')).toMatchObject({ itemCount: 3, stale: false, editsSince: 0, retrained: false })
    expect(getEvaluation(project.db, runId, 'validation')).toBeNull()
    expect(cellItems(project.db, runId, 'test', 'a', 'b', 0, 10)).toEqual({ total: 1, items: [evaluation(runId).items[1]] })
  })

  it('edits to the run’s dataset (not other datasets) make it stale, and so does further training', () => {
    const runId = createRun(project.db, { datasetId: 'd1', modelId: 'm1', config: TrainConfig.parse({}) })
    setCheckpoint(project.db, runId, 'best', 3)
    saveEvaluation(project.db, evaluation(runId))
    recordDatasetEdit(project.db, 'd2', 'relabel', 1, 'b')
    expect(getEvaluation(project.db, runId, 'test')?.stale).toBe(false)
    recordDatasetEdit(project.db, 'd1', 'relabel', 1, 'b')
    recordDatasetEdit(project.db, 'd1', 'remove', 2)
    expect(getEvaluation(project.db, runId, 'test')).toMatchObject({ stale: true, editsSince: 2, retrained: false })

    const other = createRun(project.db, { datasetId: 'd3', modelId: 'm1', config: TrainConfig.parse({}) })
    setCheckpoint(project.db, other, 'best', 2)
    saveEvaluation(project.db, evaluation(other))
    setCheckpoint(project.db, other, 'best', 5)
    expect(getEvaluation(project.db, other, 'test')).toMatchObject({ stale: true, editsSince: 0, retrained: true })
  })
})
