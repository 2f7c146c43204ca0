/**
 * Test helpers for the layer tests: one-layer model specs for any catalog layer, and running the TF.js code the
 * generator writes (so tests can compare it with what the compiler builds).
 */
import type * as tfType from '@tensorflow/tfjs'
import ts from 'typescript'
import { layerDef, type LayerType, type ParamValue, type Shape } from '../../../common/model/catalog'
import { MODEL_FORMAT, type ModelSpec } from '../../../common/model/spec'

/** Input → layer (→ the same layer again for merges, fed by two branches). */
export function oneLayer(type: LayerType, inputShape: Shape, params: Record<string, ParamValue> = {}): ModelSpec {
  const at = { x: 0, y: 0 }
  if (layerDef(type).inputs === 'many') {
    return {
      format: MODEL_FORMAT,
      nodes: [
        { id: 'input_1', type: 'Input', params: { shape: inputShape }, position: at },
        { id: 'dense_1', type: 'Dense', params: { units: 8 }, position: at },
        { id: 'dense_2', type: 'Dense', params: { units: 8 }, position: at },
        { id: 'merge_1', type, params, position: at }
      ],
      edges: [
        { id: 'e_1', source: 'input_1', target: 'dense_1' },
        { id: 'e_2', source: 'input_1', target: 'dense_2' },
        { id: 'e_3', source: 'dense_1', target: 'merge_1' },
        { id: 'e_4', source: 'dense_2', target: 'merge_1' }
      ]
    }
  }
  if (type === 'Input') {
    return {
      format: MODEL_FORMAT,
      nodes: [
        { id: 'input_1', type: 'Input', params: { shape: inputShape }, position: at },
        { id: 'flatten_1', type: 'Flatten', params: {}, position: at }
      ],
      edges: [{ id: 'e_1', source: 'input_1', target: 'flatten_1' }]
    }
  }
  return {
    format: MODEL_FORMAT,
    nodes: [
      { id: 'input_1', type: 'Input', params: { shape: inputShape }, position: at },
      { id: 'layer_1', type, params, position: at }
    ],
    edges: [{ id: 'e_1', source: 'input_1', target: 'layer_1' }]
  }
}

/** Runs generated TypeScript: transpiled to CommonJS and evaluated with `@tensorflow/tfjs` (the given module) as its only import. */
export function runGeneratedTfjs(tf: typeof tfType, code: string): tfType.LayersModel {
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText
  const exports: Record<string, unknown> = {}
  const requireTf = (name: string) => {
    if (name !== '@tensorflow/tfjs') throw new Error(`generated code imports ${name}`)
    return tf
  }
  new Function('exports', 'require', js)(exports, requireTf)
  const model = (exports.buildModel as () => tfType.LayersModel)()
  ;(exports.compileModel as ((m: tfType.LayersModel) => void) | undefined)?.(model)
  return model
}
