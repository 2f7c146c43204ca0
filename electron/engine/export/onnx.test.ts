import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { ACTIVATIONS, LAYER_TYPES, type ParamValue } from '../../../common/model/catalog'
import { ONNX_LAYERS } from '../../../common/model/onnx-layers'
import { MODEL_FORMAT, type ModelSpec } from '../../../common/model/spec'
import { StrataError } from '../../../common/errors'
import { compileModel } from '../train/compile-model'
import { seededRandom } from '../../../common/random'
import { layerWeights } from './model-weights'
import { assertOnnxExportable, writeOnnx } from './onnx'
import { maxAbsDiff, predictOnnx, VERIFY_TOLERANCE } from './verify'

type Layer = [type: string, params?: Record<string, ParamValue>]

/** A chain Input → layers…, with node ids l0, l1, … */
function chain(input: number[], layers: Layer[]): ModelSpec {
  const nodes = [{ id: 'in', type: 'Input', params: { shape: input } }, ...layers.map(([type, params], i) => ({ id: `l${i}`, type, params: params ?? {} }))]
  return {
    format: MODEL_FORMAT,
    nodes: nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })),
    edges: nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i].id, target: n.id }))
  }
}

/** Input → a and b in parallel → merge → Dense: a skip connection / branch. */
function branches(merge: 'Add' | 'Concatenate', shape: number[], a: Layer, b: Layer): ModelSpec {
  const node = (id: string, [type, params]: Layer) => ({ id, type, params: params ?? {}, position: { x: 0, y: 0 } })
  return {
    format: MODEL_FORMAT,
    nodes: [node('in', ['Input', { shape }]), node('a', a), node('b', b), node('m', [merge]), node('f', ['Flatten']), node('out', ['Dense', { units: 3, activation: 'softmax' }])],
    edges: [
      { id: 'e1', source: 'in', target: 'a' },
      { id: 'e2', source: 'in', target: 'b' },
      { id: 'e3', source: 'a', target: 'm' },
      { id: 'e4', source: 'b', target: 'm' },
      { id: 'e5', source: 'm', target: 'f' },
      { id: 'e6', source: 'f', target: 'out' }
    ]
  }
}

const conv = (p: Record<string, ParamValue>): Layer => ['Conv2D', { filters: 4, kernelSize: 3, activation: 'relu', ...p }]
const head: Layer[] = [['Flatten'], ['Dense', { units: 3, activation: 'softmax' }]]

/** Every exportable layer in at least one small model; the title names the case. */
const CASES: Array<{ name: string; spec: ModelSpec; tokens?: number }> = [
  { name: 'Dense relu → Dense softmax', spec: chain([6], [['Dense', { units: 5, activation: 'relu' }], ['Dense', { units: 3, activation: 'softmax' }]]) },
  { name: 'Dense without bias', spec: chain([6], [['Dense', { units: 4, useBias: false }]]) },
  ...ACTIVATIONS.map((a) => ({ name: `Dense activation=${a}`, spec: chain([5], [['Dense', { units: 4, activation: a }]]) })),
  { name: 'Activation layer (tanh), Dropout', spec: chain([5], [['Dense', { units: 4 }], ['Activation', { activation: 'tanh' }], ['Dropout', { rate: 0.5 }], ['Dense', { units: 2, activation: 'sigmoid' }]]) },
  { name: 'Conv2D valid stride 1 → Flatten (element order)', spec: chain([6, 5, 2], [conv({ padding: 'valid' }), ...head]) },
  { name: 'Conv2D same stride 2, odd size', spec: chain([7, 7, 3], [conv({ padding: 'same', strides: 2, kernelSize: 4 }), ...head]) },
  { name: 'Conv2D without bias, linear', spec: chain([5, 5, 1], [conv({ useBias: false, activation: 'linear' }), ...head]) },
  { name: 'SeparableConv2D depthMultiplier=2 same', spec: chain([6, 6, 3], [['SeparableConv2D', { filters: 5, kernelSize: 3, depthMultiplier: 2, padding: 'same' }], ...head]) },
  { name: 'SeparableConv2D valid stride 2', spec: chain([7, 7, 2], [['SeparableConv2D', { filters: 3, kernelSize: 3, strides: 2, activation: 'linear' }], ...head]) },
  { name: 'DepthwiseConv2D same, relu6', spec: chain([6, 6, 3], [['DepthwiseConv2D', { kernelSize: 3, padding: 'same', activation: 'relu6' }], ...head]) },
  { name: 'DepthwiseConv2D valid stride 2, depthMultiplier=2, no bias', spec: chain([7, 7, 2], [['DepthwiseConv2D', { kernelSize: 3, strides: 2, depthMultiplier: 2, useBias: false }], ...head]) },
  { name: 'ZeroPadding2D one-sided → Conv2D stride 2 (MobileNet stem)', spec: chain([6, 6, 3], [['ZeroPadding2D', { padTop: 0, padBottom: 1, padLeft: 0, padRight: 1 }], conv({ strides: 2 }), ...head]) },
  { name: 'ZeroPadding2D all sides', spec: chain([4, 5, 2], [['ZeroPadding2D', { padTop: 2, padBottom: 1, padLeft: 1, padRight: 3 }], ...head]) },
  { name: 'MaxPooling2D valid', spec: chain([6, 6, 2], [conv({ padding: 'same' }), ['MaxPooling2D', { poolSize: 2 }], ...head]) },
  { name: 'MaxPooling2D same, odd size', spec: chain([7, 7, 2], [['MaxPooling2D', { poolSize: 2, padding: 'same' }], ...head]) },
  { name: 'AveragePooling2D same, odd size (padding not counted)', spec: chain([7, 5, 2], [['AveragePooling2D', { poolSize: 3, padding: 'same' }], ...head]) },
  { name: 'GlobalAveragePooling2D', spec: chain([5, 5, 3], [conv({}), ['GlobalAveragePooling2D'], ['Dense', { units: 2, activation: 'softmax' }]]) },
  { name: 'GlobalMaxPooling2D', spec: chain([5, 5, 3], [conv({}), ['GlobalMaxPooling2D'], ['Dense', { units: 2 }]]) },
  { name: 'Conv1D same stride 2 → MaxPooling1D → GlobalAveragePooling1D', spec: chain([9, 3], [['Conv1D', { filters: 4, kernelSize: 3, strides: 2, padding: 'same' }], ['MaxPooling1D', { poolSize: 2, padding: 'same' }], ['GlobalAveragePooling1D'], ['Dense', { units: 2 }]]) },
  { name: 'Conv1D valid → Flatten', spec: chain([8, 2], [['Conv1D', { filters: 3, kernelSize: 3, activation: 'elu' }], ...head]) },
  { name: 'BatchNormalization with trained statistics', spec: chain([6], [['Dense', { units: 4 }], ['BatchNormalization', { epsilon: 0.001 }], ['Dense', { units: 2 }]]) },
  { name: 'BatchNormalization after Conv2D', spec: chain([5, 5, 2], [conv({}), ['BatchNormalization'], ...head]) },
  { name: 'LayerNormalization', spec: chain([6], [['Dense', { units: 5 }], ['LayerNormalization', { epsilon: 0.001 }], ['Dense', { units: 2 }]]) },
  { name: 'Embedding → GlobalAveragePooling1D', spec: chain([7], [['Embedding', { inputDim: 20, outputDim: 4 }], ['GlobalAveragePooling1D'], ['Dense', { units: 2, activation: 'sigmoid' }]]), tokens: 20 },
  { name: 'Embedding → Conv1D → Flatten', spec: chain([6], [['Embedding', { inputDim: 12, outputDim: 3 }], ['Conv1D', { filters: 2, kernelSize: 2 }], ...head]), tokens: 12 },
  { name: 'LSTM last state', spec: chain([5, 3], [['LSTM', { units: 4 }], ['Dense', { units: 2 }]]) },
  { name: 'LSTM returnSequences → Flatten', spec: chain([4, 3], [['LSTM', { units: 3, returnSequences: true }], ...head]) },
  { name: 'GRU last state', spec: chain([5, 3], [['GRU', { units: 4 }], ['Dense', { units: 2 }]]) },
  { name: 'Embedding → GRU returnSequences → GlobalAveragePooling1D', spec: chain([6], [['Embedding', { inputDim: 15, outputDim: 4 }], ['GRU', { units: 3, returnSequences: true }], ['GlobalAveragePooling1D'], ['Dense', { units: 2 }]]), tokens: 15 },
  ...(['concat', 'sum', 'mul', 'ave'] as const).flatMap((mergeMode) => [
    { name: `Bidirectional LSTM mergeMode=${mergeMode}`, spec: chain([5, 3], [['Bidirectional', { layer: 'LSTM', units: 3, mergeMode }], ['Dense', { units: 2 }]]) },
    { name: `Bidirectional GRU returnSequences mergeMode=${mergeMode}`, spec: chain([4, 2], [['Bidirectional', { layer: 'GRU', units: 3, mergeMode, returnSequences: true }], ...head]) }
  ]),
  { name: 'Rescaling → Reshape(-1) → Dense', spec: chain([4, 3, 1], [['Rescaling', { scale: 0.5, offset: -1 }], ['Reshape', { targetShape: [-1, 3] }], ['Flatten'], ['Dense', { units: 2 }]]) },
  { name: 'Random augmentation layers pass through at inference', spec: chain([6, 6, 3], [['RandomFlip'], ['RandomRotation'], ['RandomZoom'], conv({}), ...head]) },
  { name: 'Add (skip connection)', spec: branches('Add', [5, 5, 2], conv({ padding: 'same' }), conv({ padding: 'same', kernelSize: 1, activation: 'tanh' })) },
  { name: 'Concatenate (branches)', spec: branches('Concatenate', [5, 4, 2], conv({ padding: 'same', filters: 3 }), ['MaxPooling2D', { poolSize: 1 }]) }
]

function inputs(spec: ModelSpec, n: number, tokens?: number): { x: Float32Array; shape: number[] } {
  const shape = spec.nodes[0].params.shape as number[]
  const size = shape.reduce((a, b) => a * b, 1)
  const random = seededRandom(3)
  const x = Float32Array.from({ length: n * size }, () => (tokens ? Math.floor(random() * tokens) : random() * 4 - 2))
  return { x, shape: [n, ...shape] }
}

/** Replaces every weight with seeded random values (moving variances positive), so parity does not rest on initialisers. */
function randomizeWeights(model: tf.LayersModel): void {
  const random = seededRandom(11)
  for (const layer of model.layers) {
    const weights = layer.getWeights()
    if (!weights.length) continue
    layer.setWeights(weights.map((w, i) => {
      const values = Float32Array.from({ length: w.size }, () => random() * 2 - 1)
      if (layer.getClassName() === 'BatchNormalization' && i === 3) for (let k = 0; k < values.length; k++) values[k] = 0.2 + Math.abs(values[k])
      return tf.tensor(values, w.shape)
    }))
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('ONNX export parity with TF.js (onnxruntime-node)', () => {
  it('covers every catalog layer that has an ONNX mapping', () => {
    const covered = new Set(CASES.flatMap((c) => c.spec.nodes.map((n) => n.type)))
    const mapped = LAYER_TYPES.filter((t) => ONNX_LAYERS[t] !== null)
    expect(mapped.filter((t) => !covered.has(t))).toEqual([])
  })

  for (const c of CASES) {
    it(`layers=${c.name}: predictions match within ${VERIFY_TOLERANCE}`, async () => {
      const model = compileModel(tf, c.spec)
      randomizeWeights(model)
      const { x, shape } = inputs(c.spec, 5, c.tokens)
      const expected = tf.tidy(() => (model.predict(tf.tensor(x, shape)) as tf.Tensor).dataSync() as Float32Array)
      const bytes = writeOnnx(c.spec, layerWeights(model, c.spec), { producerVersion: 'test' })
      model.dispose()
      const actual = await predictOnnx(bytes, 'in', x, shape)
      expect(actual.length).toBe(expected.length)
      expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(VERIFY_TOLERANCE)
    })
  }

  for (const type of LAYER_TYPES.filter((t) => ONNX_LAYERS[t] === null)) {
    it(`layer=${type}: refuses with a plain per-layer message`, () => {
      const spec = chain([6, 4], [[type], ['Dense', { units: 2 }]])
      let error: unknown
      try {
        assertOnnxExportable(spec)
      } catch (err) {
        error = err
      }
      expect(error).toBeInstanceOf(StrataError)
      expect((error as StrataError).message).toBe(`Layer l0 (${type}) cannot be exported to ONNX yet. Replace it, or choose another format.`)
    })
  }
})
