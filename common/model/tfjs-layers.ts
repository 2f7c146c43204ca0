/**
 * How each catalog layer is built with TensorFlow.js, as data: the factory and the config it is called with. The
 * compiler (electron/engine/train/compile-model.ts) calls these; the TF.js code generator (codegen-tfjs.ts) writes
 * the same calls out as text, so the studio's model and the generated code cannot differ. A new layer is a catalog
 * entry plus its line here (the record is typed by `LayerType`, so a missing one does not compile).
 */
import { bidirectionalCell, layerDef, type LayerType, type ParamValue, type Params } from './catalog'
import { zeroPaddingForm } from './layer-forms'

/** A TF.js layer as data: `tf.layers[factory](config)`, or Strata's own layer class of that name (augmentation layers). */
export interface TfjsLayerCall {
  factory: string
  config: TfjsConfig
}

/** A config value: a parameter, a nested form (ZeroPadding2D's [[top, bottom], [left, right]]) or a wrapped layer. */
export type TfjsValue = ParamValue | number[][] | TfjsLayerCall

/** A TF.js layer config, without the layer's name (the node id, which the caller adds). */
export type TfjsConfig = { [key: string]: TfjsValue }

/** A layer's config from its resolved parameters. */
type TfjsMapping = (p: Params, type: LayerType) => TfjsConfig

/** Every catalog parameter under its own name: TF.js's configs use the catalog's (camelCase) names. */
const SAME: TfjsMapping = (p, type) => {
  const config: TfjsConfig = {}
  // TF.js may rewrite arrays it is given (Reshape turns -1 into null), so it gets copies.
  for (const key of Object.keys(layerDef(type).params)) config[key] = Array.isArray(p[key]) ? [...(p[key] as number[])] : p[key]
  return config
}

/**
 * Every catalog layer's TF.js config. `Input` is `tf.input` (not a `tf.layers` factory); augmentation layers are
 * Strata's own classes (catalog `tfjs` names them); `null`: not built as one layer (a PretrainedBase is written out
 * as its base's own layers first, see expandBases).
 */
export const TFJS_LAYERS: Readonly<Record<LayerType, TfjsMapping | null>> = {
  Input: SAME,
  Dense: SAME,
  Activation: SAME,
  Dropout: SAME,
  Flatten: SAME,
  Reshape: SAME,
  BatchNormalization: SAME,
  LayerNormalization: SAME,
  Conv1D: SAME,
  Conv2D: SAME,
  SeparableConv2D: SAME,
  DepthwiseConv2D: SAME,
  ZeroPadding2D: (p) => ({ padding: zeroPaddingForm(p) }),
  MaxPooling1D: SAME,
  MaxPooling2D: SAME,
  AveragePooling2D: SAME,
  GlobalAveragePooling1D: SAME,
  GlobalAveragePooling2D: SAME,
  GlobalMaxPooling2D: SAME,
  Embedding: SAME,
  LSTM: SAME,
  GRU: SAME,
  Bidirectional: (p) => {
    const cell = bidirectionalCell(p)
    return { layer: tfjsLayer(cell.type, cell.params)!, mergeMode: p.mergeMode }
  },
  Add: SAME,
  Concatenate: SAME,
  Rescaling: SAME,
  RandomFlip: SAME,
  RandomRotation: SAME,
  RandomZoom: SAME,
  PretrainedBase: null
}

/** The TF.js call that builds a layer from its resolved parameters; null when it is not built as one layer. */
export function tfjsLayer(type: LayerType, params: Params): TfjsLayerCall | null {
  const mapping = TFJS_LAYERS[type]
  return mapping ? { factory: layerDef(type).tfjs, config: mapping(params, type) } : null
}

/** True when a config value is a wrapped layer (Bidirectional's `layer`), not a plain value. */
export function isTfjsLayerCall(value: TfjsValue): value is TfjsLayerCall {
  return typeof value === 'object' && !Array.isArray(value)
}
