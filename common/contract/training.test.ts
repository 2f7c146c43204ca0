import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { numberInputBounds } from './define'
import { RUN_STATUSES, TrainConfig, isFinalStatus, isLiveStatus, isResumableStatus } from './training'

describe('run statuses', () => {
  it('every status is either live or final, never both', () => {
    for (const status of RUN_STATUSES) expect(isLiveStatus(status), status).toBe(!isFinalStatus(status))
  })

  it('queued, running and paused are live; the rest are final', () => {
    expect(RUN_STATUSES.filter(isLiveStatus)).toEqual(['queued', 'running', 'paused'])
    expect(RUN_STATUSES.filter(isFinalStatus)).toEqual(['completed', 'stopped', 'failed', 'interrupted'])
  })

  it('Resume applies to a paused run and to one that ended without completing', () => {
    expect(RUN_STATUSES.filter(isResumableStatus)).toEqual(['paused', 'stopped', 'failed', 'interrupted'])
  })
})

describe('number inputs read their bounds from the schema', () => {
  const fields = TrainConfig.shape
  it.each([
    ['epochs', fields.epochs, undefined, { min: 1, max: 10_000 }],
    ['batchSize', fields.batchSize, undefined, { min: 1, max: 4096 }],
    ['seed (no upper bound)', fields.seed, undefined, { min: 0 }],
    ['patience (inside a defaulted object)', fields.earlyStopping.unwrap().shape.patience, undefined, { min: 1 }],
    ['zoom with a step', fields.augmentation.unwrap().shape.zoom, 0.05, { min: 0, max: 0.9, step: 0.05 }],
    ['learningRate: above 0, so the lowest input is one step up', fields.learningRate, 0.0001, { min: 0.0001, max: 10, step: 0.0001 }],
    ['learningRate without a step: no min an input could hold', fields.learningRate, undefined, { max: 10 }],
    ['an optional number', z.number().int().min(2).optional(), undefined, { min: 2 }]
  ] as const)('%s', (_name, schema, step, expected) => {
    expect(numberInputBounds(schema, step)).toEqual(expected)
  })

  it('every value the bounds allow (at their edges) is one the schema accepts', () => {
    for (const [name, schema] of [['epochs', fields.epochs], ['batchSize', fields.batchSize], ['learningRate', fields.learningRate]] as const) {
      const { min, max } = numberInputBounds(schema, 0.0001)
      for (const value of [min, max]) if (value !== undefined) expect(schema.safeParse(value).success, `${name}=${value}`).toBe(true)
    }
  })

  it('refuses a schema that is not a number', () => {
    expect(() => numberInputBounds(fields.optimizer)).toThrow(/number schema/)
  })
})
