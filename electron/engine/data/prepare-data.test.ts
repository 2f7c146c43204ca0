import { describe, expect, it } from 'vitest'
import { TrainConfig } from '../../../common/contract'
import { buildTemplate } from '../../../common/model/templates'
import { importDataset } from '../../store/import'
import { useTempProject } from '../../store/project.test-helpers'
import { encodeSplit, fitPreprocessing, splitItems } from './prepare-data'

const t = useTempProject()

/** A semicolon file as a French spreadsheet writes it: decimal commas, day-first dates, oui/non… and a target. */
function ventes(): string {
  const rows = ['prix;surface;vendu_le;jardin;ville']
  for (let i = 0; i < 60; i++) {
    const prix = i % 20 === 3 ? '' : `${150 + i * 3},${i % 10}`
    const day = String((i % 28) + 1).padStart(2, '0')
    rows.push([prix, `${40 + (i % 30)},5`, i % 15 === 6 ? '?' : `${day}/0${(i % 9) + 1}/2023`, i % 2 ? 'yes' : 'no', ['Lyon', 'Nice', 'Paris'][i % 3]].join(';'))
  }
  return rows.join('\n') + '\n'
}

describe('fitting the preprocessing of a messy table', () => {
  it('reads decimal commas and day-first dates, fills what is missing with training values, and leaves rows without a price out', async () => {
    const { datasetId } = await importDataset(t.project, t.write('ventes.csv', ventes()), { target: 'prix', seed: 3 })
    const spec = buildTemplate('tabular-regressor', { inputShape: [8], task: 'regression' })
    const p = fitPreprocessing(t.project.db, datasetId, spec, TrainConfig.parse({}))
    if (p.kind !== 'table') throw new Error('a table')
    expect(p).toMatchObject({ task: 'regression', targetDecimal: ',', classes: null })
    expect(p.features.map((f) => [f.column, f.type])).toEqual([
      ['surface', 'number'],
      ['vendu_le', 'date'],
      ['jardin', 'flag'],
      ['ville', 'onehot']
    ])
    const [surface, date] = p.features
    expect(surface).toMatchObject({ decimal: ',' })
    if (date.type !== 'date') throw new Error('a date')
    expect(date.order).toBe('dmy')
    const train = splitItems(t.project.db, datasetId, 'train')
    const days = train.map((i) => i.row![2]).filter((c): c is string => c !== null && c !== '?')
    expect(date.fill).toBeGreaterThan(Date.UTC(2023, 0, 1) / 86_400_000)
    expect(date.fill).toBeLessThan(Date.UTC(2023, 9, 30) / 86_400_000)
    expect(days.length).toBeLessThan(train.length)
    const prices = train.map((i) => Number(i.label!.replace(',', '.')))
    expect(p.targetMean).toBeCloseTo(prices.reduce((a, b) => a + b, 0) / prices.length, 6)

    const { source, items } = await encodeSplit(t.project.db, t.project.root, datasetId, p, 'train')
    expect(items).toHaveLength(train.length)
    for await (const batch of source.batches(1000, null)) {
      expect(Array.from(batch.x).every(Number.isFinite)).toBe(true)
      expect(Array.from(batch.y).every(Number.isFinite)).toBe(true)
      // surface, date (days, sin, cos), jardin, ville ×3
      expect(batch.x.length / batch.n).toBe(8)
    }
  })
})
