import type * as tfType from '@tensorflow/tfjs'
import type { LayerWeight } from '../../../common/model/onnx-layers'
import type { ModelSpec } from '../../../common/model/spec'

/**
 * The trained weights of every layer of a compiled spec (TF.js layers are named after node ids), in TF.js's
 * `getWeights()` order and layout: the form the ONNX and Keras exporters read.
 */
export function layerWeights(model: tfType.LayersModel, spec: ModelSpec): Record<string, LayerWeight[]> {
  const out: Record<string, LayerWeight[]> = {}
  for (const node of spec.nodes) {
    if (node.type === 'Input') continue
    // getWeights() hands out the model's own variables: read them, never dispose them.
    out[node.id] = model.getLayer(node.id).getWeights().map((t) => ({ shape: [...t.shape], values: Float32Array.from(t.dataSync() as Float32Array) }))
  }
  return out
}
