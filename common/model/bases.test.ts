import { describe, expect, it } from 'vitest'
import { translate } from '../i18n'
import { expandBases, readBaseTopology, summarizeBase, type BaseInfo } from './bases'
import { analyzeModel, problemText } from './infer'
import { MODEL_FORMAT, type ModelSpec } from './spec'

/** A Sequential topology as TF.js writes it in model.json (Keras config, snake_case). */
const SEQUENTIAL = {
  class_name: 'Sequential',
  config: {
    name: 'patterns',
    layers: [
      { class_name: 'Conv2D', config: { name: 'conv_a', batch_input_shape: [null, 16, 16, 3], filters: 6, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', activation: 'relu', use_bias: true, dilation_rate: [1, 1] } },
      { class_name: 'MaxPooling2D', config: { name: 'pool_a', pool_size: [2, 2], strides: [2, 2], padding: 'valid' } },
      { class_name: 'Conv2D', config: { name: 'conv_b', filters: 8, kernel_size: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu', use_bias: false } },
      { class_name: 'GlobalAveragePooling2D', config: { name: 'gap' } },
      { class_name: 'Dropout', config: { name: 'drop', rate: 0.2 } },
      { class_name: 'Dense', config: { name: 'classifier', units: 4, activation: 'softmax', use_bias: true } }
    ]
  }
}

/** A functional topology with a skip connection (Keras 2 inbound_nodes). */
const FUNCTIONAL = {
  class_name: 'Model',
  config: {
    name: 'skip',
    layers: [
      { class_name: 'InputLayer', name: 'img', config: { name: 'img', batch_input_shape: [null, 8, 8, 4] }, inbound_nodes: [] },
      { class_name: 'Conv2D', name: 'c1', config: { name: 'c1', filters: 4, kernel_size: 3, padding: 'same', activation: 'relu' }, inbound_nodes: [[['img', 0, 0, {}]]] },
      { class_name: 'Add', name: 'sum', config: { name: 'sum' }, inbound_nodes: [[['img', 0, 0, {}], ['c1', 0, 0, {}]]] },
      { class_name: 'Flatten', name: 'flat', config: { name: 'flat' }, inbound_nodes: [[['sum', 0, 0, {}]]] }
    ]
  }
}

function info(topology: unknown): BaseInfo {
  const reading = readBaseTopology(topology)
  if (!reading.ok) throw new Error(JSON.stringify(reading.problems))
  return { id: 'base-0123456789ab', name: 'patterns', sha256: '', ...reading.info }
}

function specWith(params: Record<string, string | number>, input = [16, 16, 3]): ModelSpec {
  const node = (id: string, type: string, p: Record<string, string | number | number[]>) => ({ id, type, params: p, position: { x: 0, y: 0 } })
  return {
    format: MODEL_FORMAT,
    task: { kind: 'classification', classes: 2 },
    nodes: [node('image', 'Input', { shape: input }), node('base', 'PretrainedBase', { base: 'base-0123456789ab', ...params }), node('out', 'Dense', { units: 2, activation: 'softmax' })],
    edges: [
      { id: 'e1', source: 'image', target: 'base' },
      { id: 'e2', source: 'base', target: 'out' }
    ]
  }
}

describe('reading a base', () => {
  it('a Sequential model: catalog layers, shapes, sizes and a cut before the classifier', () => {
    const base = info(SEQUENTIAL)
    expect(base.inputShape).toEqual([16, 16, 3])
    expect(base.layers.map((l) => [l.name, l.type, l.outputShape.join('×'), l.paramCount])).toEqual([
      ['conv_a', 'Conv2D', '14×14×6', 3 * 9 * 6 + 6],
      ['pool_a', 'MaxPooling2D', '7×7×6', 0],
      ['conv_b', 'Conv2D', '7×7×8', 6 * 9 * 8],
      ['gap', 'GlobalAveragePooling2D', '8', 0],
      ['drop', 'Dropout', '8', 0],
      ['classifier', 'Dense', '4', 8 * 4 + 4]
    ])
    expect(base.layers[2].params.useBias).toBe(false)
    expect(base.defaultCut).toBe('gap')
  })

  it('a functional model keeps its skip connection', () => {
    const base = info(FUNCTIONAL)
    expect(base.layers.map((l) => [l.name, l.inputs])).toEqual([
      ['c1', ['@input']],
      ['sum', ['@input', 'c1']],
      ['flat', ['sum']]
    ])
    expect(base.defaultCut).toBe('flat')
  })

  it('lists every layer Strata cannot build, with the reason', () => {
    const topology = structuredClone(SEQUENTIAL)
    topology.config.layers.splice(1, 0, { class_name: 'Conv2DTranspose', config: { name: 'up' } } as never)
    ;(topology.config.layers[0].config as Record<string, unknown>).dilation_rate = [2, 2]
    const reading = readBaseTopology(topology)
    expect(reading.ok).toBe(false)
    if (!reading.ok) expect(reading.problems.map((p) => [p.layer, p.className])).toEqual([['conv_a', 'Conv2D'], ['up', 'Conv2DTranspose']])
  })

  it('MobileNet layers: ZeroPadding2D, DepthwiseConv2D and ReLU (6 → relu6, no cap → relu)', () => {
    const layer = (class_name: string, config: Record<string, unknown>) => ({ class_name, config })
    const base = info({
      class_name: 'Sequential',
      config: {
        name: 'mobile',
        layers: [
          layer('ZeroPadding2D', { name: 'pad', batch_input_shape: [null, 9, 9, 3], padding: [[0, 1], [0, 1]] }),
          layer('Conv2D', { name: 'stem', filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'valid', use_bias: false }),
          layer('ReLU', { name: 'stem_relu', max_value: 6, negative_slope: 0, threshold: 0 }),
          layer('ZeroPadding2D', { name: 'pad_all', padding: 1 }),
          layer('DepthwiseConv2D', { name: 'dw', kernel_size: [3, 3], strides: [1, 1], padding: 'valid', depth_multiplier: 2, use_bias: false, dilation_rate: [1, 1] }),
          layer('ReLU', { name: 'dw_relu', max_value: null })
        ]
      }
    })
    expect(base.layers.map((l) => [l.name, l.type, l.outputShape.join('×'), l.paramCount])).toEqual([
      ['pad', 'ZeroPadding2D', '10×10×3', 0],
      ['stem', 'Conv2D', '4×4×4', 3 * 9 * 4],
      ['stem_relu', 'Activation', '4×4×4', 0],
      ['pad_all', 'ZeroPadding2D', '6×6×4', 0],
      ['dw', 'DepthwiseConv2D', '4×4×8', 9 * 4 * 2],
      ['dw_relu', 'Activation', '4×4×8', 0]
    ])
    expect(base.layers.map((l) => l.params.activation ?? null)).toEqual([null, 'linear', 'relu6', null, 'linear', 'relu'])
    expect(base.layers[0].params).toMatchObject({ padTop: 0, padBottom: 1, padLeft: 0, padRight: 1 })
  })

  it('refuses ReLUs it cannot rebuild plainly: another cap, a negative slope, a threshold', () => {
    const reading = readBaseTopology({
      class_name: 'Sequential',
      config: {
        name: 'odd',
        layers: [
          { class_name: 'ReLU', config: { name: 'cap4', batch_input_shape: [null, 4], max_value: 4 } },
          { class_name: 'ReLU', config: { name: 'leaky', negative_slope: 0.1 } },
          { class_name: 'ReLU', config: { name: 'thresh', threshold: 0.5 } },
          { class_name: 'ZeroPadding2D', config: { name: 'pad_odd', padding: [[1, 2, 3]] } }
        ]
      }
    })
    expect(reading.ok).toBe(false)
    if (!reading.ok) {
      expect(reading.problems.map((p) => p.layer)).toEqual(['cap4', 'leaky', 'thresh', 'pad_odd'])
      expect(reading.problems[0].reason).toContain('capped at 4')
      expect(reading.problems[1].reason).toContain('leaky')
    }
  })
})

describe('a base in a model', () => {
  const bases = { 'base-0123456789ab': info(SEQUENTIAL) }

  it('inference knows its output shape and sizes, frozen or partly unfrozen', () => {
    const frozen = analyzeModel(specWith({}), { bases })
    expect(frozen.valid).toBe(true)
    expect(frozen.nodes.base.outputShape).toEqual([8])
    expect(frozen.nodes.base.params).toBe(168 + 432)
    expect(frozen.frozenParams).toBe(168 + 432)
    expect(frozen.totalParams).toBe(168 + 432 + 18)
    const tuned = analyzeModel(specWith({ unfreeze: 1 }), { bases })
    expect(tuned.frozenParams).toBe(168)
    expect(summarizeBase(bases['base-0123456789ab'], { cutAt: 'pool_a' })?.outputShape).toEqual([7, 7, 6])
  })

  it.each([
    ['no base chosen', specWith({ base: '' }), 'baseMissing'],
    ['a base not in the project', specWith({ base: 'base-ffffffffffff' }), 'baseUnknown'],
    ['a cut at no layer', specWith({ cutAt: 'nowhere' }), 'baseCut'],
    ['images of another size', specWith({}, [32, 32, 3]), 'baseInputShape']
  ] as const)('%s → %s, in plain words in both languages', (_name, spec, code) => {
    const problems = analyzeModel(spec, { bases }).problems
    expect(problems.map((p) => p.code)).toContain(code)
    for (const locale of ['en', 'zh-CN'] as const) {
      expect(problemText((k, p) => translate(locale, k, p), problems.find((p) => p.code === code)!)).not.toMatch(/build\.|\{\w+\}/)
    }
  })

  it('expands into the base layers up to the cut, wired to the input and the head, with frozen layers named', () => {
    const expanded = expandBases(specWith({ unfreeze: 1 }), bases)
    expect(expanded.spec.nodes.map((n) => n.id)).toEqual(['image', 'base__conv_a', 'base__pool_a', 'base__conv_b', 'base__gap', 'out'])
    expect(expanded.spec.edges.map((e) => `${e.source}>${e.target}`).sort()).toEqual(
      ['image>base__conv_a', 'base__conv_a>base__pool_a', 'base__pool_a>base__conv_b', 'base__conv_b>base__gap', 'base__gap>out'].sort()
    )
    expect(expanded.frozen).toEqual(['base__conv_a'])
    expect(expanded.origins['base__conv_b']).toEqual({ baseId: 'base-0123456789ab', layer: 'conv_b' })
    expect(expanded.outputs).toEqual({ base: 'base__gap' })
    const plain = analyzeModel(expanded.spec)
    expect(plain.valid).toBe(true)
    expect(plain.totalParams).toBe(analyzeModel(specWith({}), { bases }).totalParams)
  })
})
