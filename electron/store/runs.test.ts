import { describe, expect, it } from 'vitest'
import { TrainConfig } from '../../common/contract'
import { readPreprocessing, type Preprocessing } from '../../common/data/preprocessing'
import { StrataError } from '../../common/errors'
import { createRun, getRun, runPreprocessing, setRunPreprocessing, setRunStatus } from './runs'
import { useTempProject } from './project.test-helpers'

const t = useTempProject()

const newRun = () => createRun(t.project.db, { datasetId: 'd', modelId: 'm', config: TrainConfig.parse({}) })

/** A table preprocessing as runs stored it before format 3, read as the store reads it. */
const TABLE: Preprocessing = readPreprocessing({
  kind: 'table',
  features: [
    { column: 'age', position: 0, type: 'number', mean: 40, std: 12 },
    { column: 'member', position: 1, type: 'flag', truthy: ['yes'] },
    { column: 'plan', position: 2, type: 'onehot', categories: ['basic', 'pro'] }
  ],
  classes: ['no', 'yes'],
  target: 'left',
  targetMean: 0,
  targetStd: 1,
  task: 'binary'
})

describe("a run's saved preprocessing", () => {
  it.each([
    ['a table', TABLE],
    ['images', readPreprocessing({ kind: 'images', height: 28, width: 28, channels: 1, scale: 1 / 255, classes: ['0', '1'], task: 'classification' })],
    ['a text', readPreprocessing({ kind: 'text', sequenceLength: 40, vocabulary: ['good', 'bad'], classes: ['neg', 'pos'], task: 'binary', lowercase: true })]
  ] as Array<[string, Preprocessing]>)('%s is read back as it was saved', (_kind, preprocessing) => {
    const runId = newRun()
    expect(runPreprocessing(t.project.db, runId)).toBeNull()
    setRunPreprocessing(t.project.db, runId, preprocessing)
    expect(runPreprocessing(t.project.db, runId)).toEqual(preprocessing)
  })

  it.each([
    ['an unknown kind', { ...TABLE, kind: 'audio' }],
    ['a feature without its statistics', { ...TABLE, features: [{ column: 'age', position: 0, type: 'number' }] }],
    ['no task', { ...TABLE, task: undefined }]
  ])('%s is refused with RUN_DAMAGED, not passed on', (_what, stored) => {
    const runId = newRun()
    // A row damaged on disk: what the store would never write itself.
    setRunPreprocessing(t.project.db, runId, stored as Preprocessing)
    expect(() => runPreprocessing(t.project.db, runId)).toThrow(StrataError)
    expect(() => runPreprocessing(t.project.db, runId)).toThrow(/Run \d+ cannot be used: .*\(preprocessing\)/)
  })
})

describe('run statuses', () => {
  it('a final status records when the run ended; a live one does not', () => {
    const runId = newRun()
    setRunStatus(t.project.db, runId, 'running')
    expect(getRun(t.project.db, runId).endedAt).toBeNull()
    setRunStatus(t.project.db, runId, 'interrupted')
    expect(getRun(t.project.db, runId).endedAt).not.toBeNull()
  })
})
