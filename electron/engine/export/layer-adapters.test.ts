/**
 * Walks every catalog layer through every target it has a mapping for: the TF.js compiler against the TF.js code
 * generator, the Keras mapping against what TF.js writes in model.json and against the base importer, and the ONNX
 * mapping against TF.js's predictions in onnxruntime. The cases are a record typed by LayerType, so a new layer
 * does not compile until it has one here too.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { readBaseTopology } from '../../../common/model/bases'
import { LAYER_TYPES, hasLayerFlag, isLayerType, layerDef, resolveParams, type LayerType, type ParamValue, type Shape } from '../../../common/model/catalog'
import { codeNodes } from '../../../common/model/codegen-common'
import { generateKeras } from '../../../common/model/codegen-keras'
import { generateTfjs } from '../../../common/model/codegen-tfjs'
import { KERAS_LAYERS, isKerasLayerCall, kerasLayer, readKerasLayer, type KerasValue } from '../../../common/model/keras-layers'
import { ONNX_LAYERS } from '../../../common/model/onnx-layers'
import { MODEL_FORMAT, type ModelSpec } from '../../../common/model/spec'
import { TFJS_LAYERS, tfjsLayer } from '../../../common/model/tfjs-layers'
import { seededRandom } from '../../../common/random'
import { compileModel } from '../train/compile-model'
import { oneLayer, runGeneratedTfjs } from '../train/test-layer-specs'
import { layerWeights } from './model-weights'
import { onnxUnsupportedLayers, writeOnnx } from './onnx'
import { maxAbsDiff, predictOnnx, VERIFY_TOLERANCE } from './verify'

interface WalkCase {
  input: Shape
  params?: Record<string, ParamValue>
  /** Inputs are token ids below this (an Embedding's input). */
  tokens?: number
}

/** One small model per layer, its parameters away from their defaults where that tells more. */
const WALK: Readonly<Record<LayerType, WalkCase | null>> = {
  Input: { input: [5, 4, 1] },
  Dense: { input: [6], params: { units: 5, activation: 'tanh', useBias: false } },
  Activation: { input: [4, 3], params: { activation: 'relu6' } },
  Dropout: { input: [8], params: { rate: 0.25 } },
  Flatten: { input: [3, 4, 2] },
  Reshape: { input: [12], params: { targetShape: [-1, 4] } },
  BatchNormalization: { input: [5, 5, 3], params: { momentum: 0.9, epsilon: 0.01 } },
  LayerNormalization: { input: [7], params: { epsilon: 0.01 } },
  Conv1D: { input: [9, 3], params: { filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu' } },
  Conv2D: { input: [7, 6, 2], params: { filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'sigmoid', useBias: false } },
  SeparableConv2D: { input: [6, 6, 2], params: { filters: 3, kernelSize: 3, depthMultiplier: 2, activation: 'linear' } },
  DepthwiseConv2D: { input: [7, 7, 2], params: { kernelSize: 3, strides: 2, depthMultiplier: 2, padding: 'same', activation: 'relu6' } },
  ZeroPadding2D: { input: [4, 5, 2], params: { padTop: 0, padBottom: 2, padLeft: 1, padRight: 3 } },
  MaxPooling1D: { input: [8, 3], params: { poolSize: 3, padding: 'same' } },
  MaxPooling2D: { input: [7, 7, 2], params: { poolSize: 2, padding: 'same' } },
  AveragePooling2D: { input: [7, 5, 2], params: { poolSize: 3, padding: 'same' } },
  GlobalAveragePooling1D: { input: [6, 4] },
  GlobalAveragePooling2D: { input: [5, 5, 3] },
  GlobalMaxPooling2D: { input: [5, 5, 3] },
  Embedding: { input: [6], params: { inputDim: 20, outputDim: 4 }, tokens: 20 },
  LSTM: { input: [5, 3], params: { units: 4, returnSequences: true } },
  GRU: { input: [5, 3], params: { units: 4 } },
  Bidirectional: { input: [5, 3], params: { layer: 'GRU', units: 3, returnSequences: true, mergeMode: 'ave' } },
  Add: { input: [6] },
  Concatenate: { input: [6] },
  Rescaling: { input: [4, 4, 3], params: { scale: 0.5, offset: -1 } },
  RandomFlip: { input: [6, 6, 3], params: { mode: 'vertical' } },
  RandomRotation: { input: [6, 6, 3], params: { factor: 0.2 } },
  RandomZoom: { input: [6, 6, 3], params: { heightFactor: 0.3 } },
  // Stands for an imported base's own layers, which are written out in its place before any target sees the model.
  PretrainedBase: null
}

const CASES = LAYER_TYPES.flatMap((type) => {
  const c = WALK[type]
  return c ? [{ type, ...c, spec: oneLayer(type, c.input, c.params) }] : []
})

/** The node of a walk spec that is the walked layer (an Input is walked in front of a Flatten). */
function walked(spec: ModelSpec, type: LayerType): string {
  return spec.nodes.find((n) => n.type === type)!.id
}

/** A layer config with every `name` left out: wrapped layers get names from a global counter. */
function withoutNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNames)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'name').map(([k, v]) => [k, withoutNames(v)]))
}

type SerializedLayer = { class_name: string; name?: string; config: Record<string, unknown> }

/** The model's layers as TF.js writes them in model.json (the Keras form). */
function modelJsonLayers(model: tf.LayersModel): SerializedLayer[] {
  const topology = model.toJSON(null, false) as unknown as { config: { layers: SerializedLayer[] } }
  return topology.config.layers
}

/** Whether a value TF.js wrote is the one the Keras mapping gives: a window size may be written once or per axis. */
function sameKerasValue(written: unknown, mapped: KerasValue): boolean {
  if (isKerasLayerCall(mapped)) {
    const inner = written as SerializedLayer
    return inner.class_name === mapped.className && Object.entries(mapped.config).every(([k, v]) => sameKerasValue(inner.config[k], v))
  }
  if (typeof mapped === 'number' && Array.isArray(written)) return written.length > 0 && written.every((d) => d === mapped)
  return JSON.stringify(written) === JSON.stringify(mapped)
}

/** Keys of the Keras form that TF.js 4.22 leaves out of a layer's model.json (Keras itself writes them). */
const NOT_WRITTEN_BY_TFJS: Partial<Record<LayerType, string[]>> = { SeparableConv2D: ['depth_multiplier'] }

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('every target has a mapping entry for every layer', () => {
  it.each([
    ['TF.js', TFJS_LAYERS],
    ['Keras', KERAS_LAYERS],
    ['ONNX', ONNX_LAYERS]
  ] as const)('%s', (_target, mappings) => {
    expect(Object.keys(mappings)).toEqual(LAYER_TYPES)
  })
})

describe('TF.js: the compiler and the generated code make the same layers', () => {
  for (const { type, spec } of CASES) {
    it(`layer=${type}`, () => {
      const compiled = compileModel(tf, spec)
      const generated = runGeneratedTfjs(tf, generateTfjs(spec))
      try {
        expect(generated.layers.map((l) => l.name)).toEqual(compiled.layers.map((l) => l.name))
        for (const [i, layer] of compiled.layers.entries()) {
          const other = generated.layers[i]
          const nodeType = spec.nodes.find((n) => n.id === layer.name)!.type
          expect(other.outputShape, layer.name).toEqual(layer.outputShape)
          expect(other.countParams(), layer.name).toBe(layer.countParams())
          if (hasLayerFlag(nodeType, 'augmentation')) {
            // Strata's augmentation classes are not in TF.js: the code stands in a pass-through (they only act in training).
            expect(other.getClassName()).toBe('StrataPassThrough')
            continue
          }
          expect(other.getClassName(), layer.name).toBe(layer.getClassName())
          expect(withoutNames(other.getConfig()), layer.name).toEqual(withoutNames(layer.getConfig()))
        }
      } finally {
        compiled.dispose()
        generated.dispose()
      }
    })
  }
})

describe('Keras: the mapping writes what TF.js writes in model.json, and the base importer reads it back', () => {
  for (const { type, spec, input } of CASES) {
    it(`layer=${type}`, () => {
      const id = walked(spec, type)
      // The generators' view of the node: parameters resolved, a Reshape's -1 spelled out.
      const node = codeNodes(spec).find((n) => n.id === id)!
      const call = kerasLayer(type, node.params)!
      const model = compileModel(tf, spec)
      const written = modelJsonLayers(model)
      const reading = readBaseTopology(model.toJSON(null, false))
      model.dispose()

      // The generated Keras code builds exactly this call.
      expect(generateKeras(spec)).toContain(type === 'Input' ? 'keras.Input(' : `layers.${call.className}(`)
      if (type === 'Input') {
        expect(written[0].class_name).toBe('InputLayer')
        expect(reading.ok && reading.info.inputShape).toEqual(input)
        return
      }
      const layer = written.find((l) => l.name === id)!
      if (!hasLayerFlag(type, 'augmentation')) {
        // Keras names and values are TF.js's own (Strata's augmentation classes are written in their own form).
        expect(layer.class_name).toBe(call.className)
        for (const [key, value] of Object.entries(call.config)) {
          if (NOT_WRITTEN_BY_TFJS[type]?.includes(key)) continue
          expect(sameKerasValue(layer.config[key], value), `${key}: wrote ${JSON.stringify(layer.config[key])}, maps ${JSON.stringify(value)}`).toBe(true)
        }
      }

      if (!KERAS_LAYERS[type]?.fromKeras) {
        // A base using this layer is refused, naming the layer.
        expect(reading.ok).toBe(false)
        expect(!reading.ok && reading.problems.map((p) => p.layer)).toContain(id)
        return
      }
      // Back from the mapping's own Keras form …
      const back = readKerasLayer(call.className, JSON.parse(JSON.stringify(call.config)) as Record<string, unknown>)
      expect(back).toEqual({ type, params: expect.any(Object) })
      const read = back as { type: LayerType; params: Record<string, ParamValue> }
      expect(resolveParams(read.type, read.params)).toEqual(node.params)
      // … and from the model.json TF.js wrote, through the importer.
      expect(reading.ok, JSON.stringify(!reading.ok && reading.problems)).toBe(true)
      const imported = reading.ok ? reading.info.layers.find((l) => l.source === id)! : null
      expect({ type: imported?.type, params: imported?.params }).toEqual({ type, params: node.params })
    })
  }
})

/** Replaces every weight with seeded values in [0.1, 1): parity does not rest on initialisers, and variances stay positive. */
function seededWeights(model: tf.LayersModel): void {
  let seed = 5
  for (const layer of model.layers) {
    const weights = layer.getWeights()
    if (weights.length) layer.setWeights(weights.map((w) => tf.randomUniform(w.shape, 0.1, 1, 'float32', seed++)))
  }
}

describe('ONNX: every layer with a mapping predicts as TF.js does; the others are refused by name', () => {
  for (const { type, spec, input, tokens } of CASES) {
    if (ONNX_LAYERS[type] === null) {
      it(`layer=${type}: refused`, () => {
        expect(onnxUnsupportedLayers(spec)).toEqual([{ id: walked(spec, type), type }])
      })
      continue
    }
    it(`layer=${type}: predictions within ${VERIFY_TOLERANCE}`, async () => {
      const model = compileModel(tf, spec)
      seededWeights(model)
      const random = seededRandom(9)
      const size = input.reduce((a, b) => a * b, 1)
      const x = Float32Array.from({ length: 3 * size }, () => (tokens ? Math.floor(random() * tokens) : random() * 4 - 2))
      const shape = [3, ...input]
      const expected = tf.tidy(() => (model.predict(tf.tensor(x, shape)) as tf.Tensor).dataSync() as Float32Array)
      const bytes = writeOnnx(spec, layerWeights(model, spec), { producerVersion: 'test' })
      model.dispose()
      const actual = await predictOnnx(bytes, 'input_1', x, shape)
      expect(actual.length).toBe(expected.length)
      expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual(VERIFY_TOLERANCE)
    })
  }
})

describe('PretrainedBase has no form of its own in any target: its base is written out as plain layers first', () => {
  const spec: ModelSpec = {
    format: MODEL_FORMAT,
    nodes: [
      { id: 'image', type: 'Input', params: { shape: [8, 8, 3] }, position: { x: 0, y: 0 } },
      { id: 'base', type: 'PretrainedBase', params: { base: 'missing' }, position: { x: 0, y: 1 } }
    ],
    edges: [{ id: 'e', source: 'image', target: 'base' }]
  }
  const params = resolveParams('PretrainedBase', { base: 'missing' })

  it('no TF.js call, no Keras layer, no ONNX emitter', () => {
    expect(isLayerType('PretrainedBase') && layerDef('PretrainedBase').inputs).toBe(1)
    expect(tfjsLayer('PretrainedBase', params)).toBeNull()
    expect(kerasLayer('PretrainedBase', params)).toBeNull()
    expect(onnxUnsupportedLayers(spec)).toEqual([{ id: 'base', type: 'PretrainedBase' }])
  })

  it('the generated code says the base is not in the project instead of building a model', () => {
    expect(generateTfjs(spec)).toContain('throw new Error(\'The pretrained base "missing" of "base" is not in the project')
    expect(generateKeras(spec)).toContain('raise ValueError("The pretrained base \\"missing\\" of \\"base\\" is not in the project')
  })
})
