import { describe, expect, it } from 'vitest'
import { datasetTask, decideTask, taskFor } from './task'
import { analyzeModel } from '../model/infer'
import { buildTemplate } from '../model/templates'

describe('the task decision', () => {
  it.each([
    ['a two-class image set', { kind: 'images', targetType: null, classes: 2 }, { task: 'binary', classes: 2, accepts: ['binary', 'classification'] }],
    ['a two-class table', { kind: 'table', targetType: 'categorical', classes: 2 }, { task: 'binary', classes: 2, accepts: ['binary', 'classification'] }],
    ['a yes/no column', { kind: 'table', targetType: 'boolean', classes: 2 }, { task: 'binary', classes: 2, accepts: ['binary', 'classification'] }],
    ['three species', { kind: 'table', targetType: 'categorical', classes: 3 }, { task: 'classification', classes: 3, accepts: ['classification'] }],
    ['texts in four topics', { kind: 'text', targetType: null, classes: 4 }, { task: 'classification', classes: 4, accepts: ['classification'] }],
    ['a number column', { kind: 'table', targetType: 'numeric', classes: 0 }, { task: 'regression', classes: null, accepts: ['regression'] }],
    ['no target', { kind: 'table', targetType: null, classes: 0 }, { reason: 'noTarget' }],
    ['a date target', { kind: 'table', targetType: 'date', classes: 0 }, { reason: 'targetType', type: 'date' }],
    ['one class', { kind: 'images', targetType: null, classes: 1 }, { reason: 'oneClass', classes: 1 }]
  ] as const)('%s', (_case, facts, decision) => expect(decideTask(facts)).toEqual(decision))

  it('is decided from the target column in force, the same whatever the rows', () => {
    const iris = { kind: 'table' as const, target: 'species', columns: [{ name: 'sepal', type: 'numeric' as const }, { name: 'species', type: 'categorical' as const }], classes: [1, 2, 3] }
    expect(datasetTask(iris)).toMatchObject({ task: 'classification', classes: 3 })
    expect(datasetTask({ ...iris, target: 'sepal' })).toMatchObject({ task: 'regression' })
  })

  it('a head the target accepts is kept; none declared takes the decision', () => {
    const two = decideTask({ kind: 'images', targetType: null, classes: 2 })
    if (!('task' in two)) throw new Error('a task')
    expect(taskFor(two, 'classification')).toBe('classification')
    expect(taskFor(two, undefined)).toBe('binary')
  })

  it('Build says when a head cannot learn the target (a regressor on species) and fits it in one click', () => {
    const spec = buildTemplate('tabular-regressor', { inputShape: [4], task: 'regression' })
    const fit = { inputShape: [4], task: 'classification' as const, accepts: ['classification' as const], classes: 3 }
    const problem = analyzeModel(spec, fit).problems.find((p) => p.code === 'taskMismatch')
    expect(problem).toMatchObject({ severity: 'error', params: { head: 'regression', task: 'classification', classes: 3 } })
    expect(analyzeModel(spec, fit).valid).toBe(false)
    // The template fitted to the same dataset has no such problem.
    expect(analyzeModel(buildTemplate('tabular-classifier', fit), fit).problems).toEqual([])
  })
})
