import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { LAYER_TYPES, type LayerType, type ParamValue, type Shape } from '../../../common/model/catalog'
import { generateTfjs } from '../../../common/model/codegen-tfjs'
import { analyzeModel } from '../../../common/model/infer'
import { MODEL_FORMAT, type ModelSpec } from '../../../common/model/spec'
import { TEMPLATE_IDS, buildTemplate } from '../../../common/model/templates'
import { augmentationLayers, compileModel } from './compile-model'
import { oneLayer, runGeneratedTfjs } from './test-layer-specs'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** Every catalog layer (but the pretrained placeholder), with parameter variants that change shapes or counts. */
const CASES: Array<{ type: LayerType; input: Shape; params?: Record<string, ParamValue> }> = [
  { type: 'Input', input: [28, 28, 1] },
  { type: 'Dense', input: [20], params: { units: 7 } },
  { type: 'Dense', input: [20], params: { units: 5, useBias: false, activation: 'softmax' } },
  { type: 'Activation', input: [4, 6], params: { activation: 'tanh' } },
  { type: 'Dropout', input: [12], params: { rate: 0.3 } },
  { type: 'Flatten', input: [5, 4, 3] },
  { type: 'Reshape', input: [12], params: { targetShape: [3, 4] } },
  { type: 'Reshape', input: [24], params: { targetShape: [-1, 6] } },
  { type: 'BatchNormalization', input: [10, 10, 3] },
  { type: 'LayerNormalization', input: [16] },
  { type: 'Conv1D', input: [30, 4], params: { filters: 8, kernelSize: 5 } },
  { type: 'Conv1D', input: [30, 4], params: { filters: 8, kernelSize: 3, strides: 2, padding: 'same' } },
  { type: 'Conv2D', input: [28, 28, 1], params: { filters: 32, kernelSize: 3 } },
  { type: 'Conv2D', input: [15, 17, 3], params: { filters: 4, kernelSize: 4, strides: 2, padding: 'valid', useBias: false } },
  { type: 'Conv2D', input: [15, 17, 3], params: { filters: 4, kernelSize: 3, strides: 2, padding: 'same' } },
  { type: 'SeparableConv2D', input: [16, 16, 3], params: { filters: 8, kernelSize: 3 } },
  { type: 'SeparableConv2D', input: [16, 16, 3], params: { filters: 8, kernelSize: 3, depthMultiplier: 2, padding: 'same' } },
  { type: 'DepthwiseConv2D', input: [16, 16, 3], params: { kernelSize: 3 } },
  { type: 'DepthwiseConv2D', input: [15, 15, 4], params: { kernelSize: 3, strides: 2, depthMultiplier: 2, padding: 'same', useBias: false, activation: 'relu6' } },
  { type: 'ZeroPadding2D', input: [7, 9, 3] },
  { type: 'ZeroPadding2D', input: [7, 9, 3], params: { padTop: 0, padBottom: 1, padLeft: 0, padRight: 2 } },
  { type: 'MaxPooling1D', input: [21, 3], params: { poolSize: 2 } },
  { type: 'MaxPooling2D', input: [27, 27, 2], params: { poolSize: 2 } },
  { type: 'MaxPooling2D', input: [27, 27, 2], params: { poolSize: 3, padding: 'same' } },
  { type: 'AveragePooling2D', input: [8, 8, 2], params: { poolSize: 2 } },
  { type: 'GlobalAveragePooling1D', input: [10, 6] },
  { type: 'GlobalAveragePooling2D', input: [7, 7, 9] },
  { type: 'GlobalMaxPooling2D', input: [7, 7, 9] },
  { type: 'Embedding', input: [12], params: { inputDim: 50, outputDim: 8 } },
  { type: 'LSTM', input: [10, 6], params: { units: 5 } },
  { type: 'LSTM', input: [10, 6], params: { units: 5, returnSequences: true } },
  { type: 'GRU', input: [10, 6], params: { units: 5 } },
  { type: 'GRU', input: [10, 6], params: { units: 4, returnSequences: true } },
  { type: 'Bidirectional', input: [10, 6], params: { units: 5 } },
  { type: 'Bidirectional', input: [10, 6], params: { layer: 'GRU', units: 3, returnSequences: true, mergeMode: 'sum' } },
  { type: 'Add', input: [6] },
  { type: 'Concatenate', input: [6] },
  { type: 'Rescaling', input: [8, 8, 3], params: { scale: 0.5, offset: -1 } },
  { type: 'RandomFlip', input: [8, 8, 3], params: { mode: 'horizontal_and_vertical' } },
  { type: 'RandomRotation', input: [8, 8, 3] },
  { type: 'RandomZoom', input: [8, 8, 3] }
]

/** What TF.js's model.summary() reports per layer: output shape without the batch dimension, and parameters. */
function tfSummary(model: tf.LayersModel): Map<string, { shape: Shape; params: number }> {
  const out = new Map<string, { shape: Shape; params: number }>()
  for (const layer of model.layers) {
    const shape = (layer.outputShape as (number | null)[]).slice(1) as Shape
    out.set(layer.name, { shape, params: layer.countParams() })
  }
  return out
}

function expectSameAsInference(spec: ModelSpec, model: tf.LayersModel): void {
  const analysis = analyzeModel(spec)
  const summary = tfSummary(model)
  for (const id of analysis.order) {
    expect(summary.get(id), `layer ${id}`).toEqual({ shape: analysis.nodes[id].outputShape, params: analysis.nodes[id].params })
  }
  expect(model.countParams()).toBe(analysis.totalParams)
}

describe('catalog shapes and parameter counts match TF.js', () => {
  it('covers every catalog layer', () => {
    const covered = new Set(CASES.map((c) => c.type))
    expect(LAYER_TYPES.filter((t) => !covered.has(t))).toEqual(['PretrainedBase'])
  })

  for (const { type, input, params } of CASES) {
    it(`${type}; input=${input.join('x')}; params=${JSON.stringify(params ?? {})}`, () => {
      const spec = oneLayer(type, input, params)
      const analysis = analyzeModel(spec)
      expect(analysis.problems).toEqual([])
      const before = tf.memory().numTensors
      const model = compileModel(tf, spec)
      expectSameAsInference(spec, model)
      model.dispose()
      expect(tf.memory().numTensors).toBe(before)
    })
  }
})

describe('templates compile to the same model inference describes', () => {
  it.each([
    ['mnist-cnn', 225_034],
    ['mnist-mlp', 101_770],
    ['mlp-3layer', 109_386]
  ] as const)('%s has %i parameters, as TF.js counts them', (id, count) => {
    const model = compileModel(tf, buildTemplate(id))
    expect(model.countParams()).toBe(count)
    model.dispose()
  })

  for (const id of TEMPLATE_IDS.filter((t) => t !== 'pretrained-image')) {
    it(`template=${id}`, () => {
      const spec = buildTemplate(id)
      const model = compileModel(tf, spec)
      expectSameAsInference(spec, model)
      model.dispose()
    })
  }

  it('a pretrained base not chosen yet is refused with a plain reason', () => {
    expect(() => compileModel(tf, buildTemplate('pretrained-image'))).toThrow(/Choose which pretrained base to use/)
  })

  it('a model with errors is refused with its problems in plain words', () => {
    const spec = oneLayer('Dense', [28, 28, 1])
    expect(() => compileModel(tf, spec)).toThrow(/add Flatten before it/)
  })

  it('the dataset input shape replaces the spec one', () => {
    const model = compileModel(tf, buildTemplate('mnist-mlp'), { inputShape: [8, 8, 1] })
    expect(model.countParams()).toBe(64 * 128 + 128 + 1290)
    model.dispose()
  })

  it('a dataset with another number of classes is refused before anything is built', () => {
    const before = tf.memory().numTensors
    expect(() => compileModel(tf, buildTemplate('mnist-cnn'), { classes: 3 })).toThrow(/needs 3/)
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('DAGs: branches and skip connections', () => {
  it('a residual block with Add and a Concatenate branch', () => {
    const at = { x: 0, y: 0 }
    const spec: ModelSpec = {
      format: MODEL_FORMAT,
      task: { kind: 'classification', classes: 3 },
      nodes: [
        { id: 'in', type: 'Input', params: { shape: [8, 8, 4] }, position: at },
        { id: 'c1', type: 'Conv2D', params: { filters: 4, padding: 'same' }, position: at },
        { id: 'c2', type: 'Conv2D', params: { filters: 4, padding: 'same' }, position: at },
        { id: 'skip', type: 'Add', params: {}, position: at },
        { id: 'side', type: 'Conv2D', params: { filters: 2, kernelSize: 1 }, position: at },
        { id: 'cat', type: 'Concatenate', params: {}, position: at },
        { id: 'gap', type: 'GlobalAveragePooling2D', params: {}, position: at },
        { id: 'out', type: 'Dense', params: { units: 3, activation: 'softmax' }, position: at }
      ],
      edges: [
        { id: 'e1', source: 'in', target: 'c1' },
        { id: 'e2', source: 'c1', target: 'c2' },
        { id: 'e3', source: 'c2', target: 'skip' },
        { id: 'e4', source: 'in', target: 'skip' },
        { id: 'e5', source: 'skip', target: 'side' },
        { id: 'e6', source: 'skip', target: 'cat' },
        { id: 'e7', source: 'side', target: 'cat' },
        { id: 'e8', source: 'cat', target: 'gap' },
        { id: 'e9', source: 'gap', target: 'out' }
      ]
    }
    expect(analyzeModel(spec).problems).toEqual([])
    const model = compileModel(tf, spec)
    expectSameAsInference(spec, model)
    expect(analyzeModel(spec).nodes.cat.outputShape).toEqual([8, 8, 6])
    model.dispose()
  })
})

describe('generated TF.js code builds the same model', () => {
  for (const id of TEMPLATE_IDS.filter((t) => t !== 'pretrained-image')) {
    it(`template=${id}`, () => {
      const spec = buildTemplate(id)
      const generated = runGeneratedTfjs(tf, generateTfjs(spec))
      const compiled = compileModel(tf, spec)
      expect([...tfSummary(generated)]).toEqual([...tfSummary(compiled)])
      generated.dispose()
      compiled.dispose()
    })
  }

  for (const { type, input, params } of CASES) {
    it(`${type}; input=${input.join('x')}; params=${JSON.stringify(params ?? {})}`, () => {
      const spec = oneLayer(type, input, params)
      const generated = runGeneratedTfjs(tf, generateTfjs(spec))
      const compiled = compileModel(tf, spec)
      expect([...tfSummary(generated)]).toEqual([...tfSummary(compiled)])
      generated.dispose()
      compiled.dispose()
    })
  }
})

describe('augmentation layers', () => {
  it.each(['RandomFlip', 'RandomRotation', 'RandomZoom'] as const)('%s keeps shapes in training and passes through at inference', (type) => {
    const Layer = augmentationLayers(tf)[type]
    const layer = new Layer({ name: `aug_${type}`, mode: 'horizontal_and_vertical', factor: 0.2, heightFactor: 0.2 })
    const before = tf.memory().numTensors
    tf.tidy(() => {
      const x = tf.randomUniform([2, 6, 6, 3])
      const trained = layer.apply(x, { training: true }) as tf.Tensor
      expect(trained.shape).toEqual([2, 6, 6, 3])
      const inferred = layer.apply(x) as tf.Tensor
      expect(Array.from(inferred.dataSync())).toEqual(Array.from(x.dataSync()))
    })
    expect(tf.memory().numTensors).toBe(before)
  })
})
