import { describe, expect, it } from 'vitest'
import { analyzeModel, type DatasetFit } from './infer'
import { TEMPLATES, TEMPLATE_IDS, buildTemplate, fitToDataset, type TemplateId } from './templates'

describe('templates are fitted to the dataset', () => {
  const cases: Array<[TemplateId, DatasetFit, number[], number, string]> = [
    ['mnist-mlp', { inputShape: [32, 32, 3], classes: 5 }, [32, 32, 3], 5, 'softmax'],
    ['tabular-classifier', { inputShape: [12], classes: 2, task: 'binary' }, [12], 1, 'sigmoid'],
    ['text-lstm', { classes: 4 }, [100], 4, 'softmax'],
    ['text-embedding', {}, [100], 1, 'sigmoid'],
    ['tabular-regressor', { inputShape: [6], classes: 7 }, [6], 1, 'linear'],
    ['linear-regression', { inputShape: [3] }, [3], 1, 'linear']
  ]
  it.each(cases)('%s fitted to %j', (id, fit, shape, units, activation) => {
    const spec = buildTemplate(id, fit)
    expect(spec.nodes[0].params.shape).toEqual(shape)
    expect(spec.nodes.at(-1)?.params).toMatchObject({ units, activation })
    expect(analyzeModel(spec, fit).problems).toEqual([])
  })

  it('the seed models keep their exact layers', () => {
    expect(buildTemplate('mnist-cnn').nodes.map((n) => n.type)).toEqual(['Input', 'Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense'])
    expect(buildTemplate('mnist-mlp').nodes.map((n) => n.type)).toEqual(['Input', 'Flatten', 'Dense', 'Dense'])
    expect(buildTemplate('mlp-3layer').nodes.map((n) => [n.type, n.params.units])).toEqual([['Input', undefined], ['Dense', 128], ['Dense', 64], ['Dense', 10]])
  })

  it('every template id is listed once, and defaults need no fitting', () => {
    expect(TEMPLATES.map((t) => t.id)).toEqual([...TEMPLATE_IDS])
    for (const t of TEMPLATES) expect(fitToDataset(t)).toEqual(t.defaults)
  })
})
