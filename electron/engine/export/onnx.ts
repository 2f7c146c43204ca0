import { isLayerType, layerDef, resolveParams, type LayerType, type Shape } from '../../../common/model/catalog'
import { analyzeModel } from '../../../common/model/infer'
import { ONNX_LAYERS, type LayerWeight, type OnnxAttribute, type OnnxGraphBuilder } from '../../../common/model/onnx-layers'
import type { ModelSpec } from '../../../common/model/spec'
import { StrataError } from '../../../common/errors'
import { encodeOnnxModel, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnx-proto'

/** The ONNX operator set Strata writes: LayerNormalization needs 17; onnxruntime 1.14 and later run it. */
export const ONNX_OPSET = 17
/** The ONNX IR version that goes with opset 17. */
export const ONNX_IR_VERSION = 8

/** Layers of a spec that have no ONNX mapping yet, in graph order. */
export function onnxUnsupportedLayers(spec: ModelSpec): Array<{ id: string; type: string }> {
  return spec.nodes.filter((n) => !isLayerType(n.type) || ONNX_LAYERS[n.type] === null).map((n) => ({ id: n.id, type: n.type }))
}

/** Throws `EXPORT_LAYER_UNSUPPORTED` naming the first layer that cannot be exported to ONNX, if any. */
export function assertOnnxExportable(spec: ModelSpec): void {
  const [first] = onnxUnsupportedLayers(spec)
  if (first) throw new StrataError('EXPORT_LAYER_UNSUPPORTED', { layer: first.id, type: first.type, format: 'ONNX' })
}

class GraphBuilder implements OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = []
  readonly initializers: OnnxTensor[] = []
  private count = 0
  scope = 'graph'

  private name(kind: string): string {
    return `${this.scope}/${kind}_${++this.count}`
  }

  op(op: string, inputs: string[], attributes?: Record<string, OnnxAttribute>): string {
    const output = this.name(op)
    this.nodes.push({ name: output, op, inputs, outputs: [output], ...(attributes ? { attributes } : {}) })
    return output
  }

  floats(dims: number[], values: Float32Array | number[]): string {
    const name = this.name('const')
    this.initializers.push({ name, type: 'float', dims, values: values instanceof Float32Array ? values : Float32Array.from(values) })
    return name
  }

  int64s(values: number[]): string {
    const name = this.name('shape')
    this.initializers.push({ name, type: 'int64', dims: [values.length], values })
    return name
  }
}

/**
 * Builds an ONNX model from a spec (input shape fixed to the dataset's) and its trained weights, keyed by node id in
 * TF.js's `getWeights()` order. The graph input is named after the Input node and takes [batch, ...inputShape]
 * float32 exactly as the TF.js model does; the output is named after the output node.
 */
export function buildOnnxModel(spec: ModelSpec, weights: Record<string, LayerWeight[]>, opts: { producerVersion: string }): OnnxModel {
  assertOnnxExportable(spec)
  const analysis = analyzeModel(spec)
  if (!analysis.inputId || !analysis.outputId) throw new StrataError('MODEL_HAS_PROBLEMS', { problems: 'the model has no single input and output.' })
  const g = new GraphBuilder()
  const tensors = new Map<string, string>()
  let inputShape: Shape = []
  for (const id of analysis.order) {
    const node = spec.nodes.find((n) => n.id === id)!
    const type = node.type as LayerType
    const info = analysis.nodes[id]
    if (!info.outputShape) throw new StrataError('MODEL_HAS_PROBLEMS', { problems: `the shape after ${id} is unknown.` })
    const params = resolveParams(type, node.params)
    const sources = spec.edges.filter((e) => e.target === id).map((e) => tensors.get(e.source)!)
    if (type === 'Input') {
      inputShape = info.outputShape
      tensors.set(id, id)
      continue
    }
    g.scope = id
    const emit = ONNX_LAYERS[type]!
    const inputs = layerDef(type).inputs === 'many' ? sources : sources.slice(0, 1)
    tensors.set(id, emit(g, { id, params, inputs, inputShapes: info.inputShapes, outputShape: info.outputShape, weights: weights[id] ?? [] }))
  }
  const outputId = analysis.outputId
  const outputShape = analysis.nodes[outputId].outputShape!
  g.scope = outputId
  g.nodes.push({ name: `${outputId}/output`, op: 'Identity', inputs: [tensors.get(outputId)!], outputs: [outputId] })
  return {
    irVersion: ONNX_IR_VERSION,
    opset: ONNX_OPSET,
    producer: 'Strata',
    producerVersion: opts.producerVersion,
    docString: spec.name ?? '',
    graph: {
      name: spec.name ?? 'strata-model',
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: [{ name: analysis.inputId, type: 'float', shape: ['batch', ...inputShape] }],
      outputs: [{ name: outputId, type: 'float', shape: ['batch', ...outputShape] }]
    }
  }
}

/** The bytes of an `.onnx` file for a spec and its trained weights. See {@link buildOnnxModel}. */
export function writeOnnx(spec: ModelSpec, weights: Record<string, LayerWeight[]>, opts: { producerVersion: string }): Uint8Array {
  return encodeOnnxModel(buildOnnxModel(spec, weights, opts))
}
