/**
 * How each catalog layer is written in Keras, as data, and (for the layers Strata can rebuild from an imported
 * model) read back: one mapping shared by the Keras code generator (codegen-keras.ts) and the pretrained-base
 * importer (bases.ts), which reads the Keras form TF.js writes in model.json. A new layer is a catalog entry plus its
 * line here (the record is typed by `LayerType`, so a missing one does not compile).
 */
import { bidirectionalCell, kerasParamName, layerDef, type LayerType, type ParamValue, type Params } from './catalog'
import { zeroPaddingForm, zeroPaddingSides } from './layer-forms'

/** A Keras layer as data: the class under `keras.layers` and its config, with Keras's (snake_case) names. */
export interface KerasLayerCall {
  className: string
  config: KerasConfig
}

/** A config value: a parameter, a nested form (ZeroPadding2D's ((top, bottom), (left, right))) or a wrapped layer. */
export type KerasValue = ParamValue | number[][] | KerasLayerCall

/** A Keras layer config, without the layer's name. */
export type KerasConfig = { [key: string]: KerasValue }

/** A layer config as read from a model.json (any values). */
export type KerasConfigIn = Readonly<Record<string, unknown>>

/** A catalog layer and its parameters read from a Keras layer, or the reason Strata cannot rebuild it. */
export type KerasReading = { type: LayerType; params: Record<string, ParamValue> } | string

/** How one catalog layer is written in Keras, and read back where Strata can rebuild it from an imported model. */
interface KerasMapping {
  /** The layer's Keras config from its resolved parameters. */
  toKeras: (p: Params, type: LayerType) => KerasConfig
  /** Its parameters read from a Keras config (missing ones take catalog defaults), or why not; absent: not importable. */
  fromKeras?: (c: KerasConfigIn) => Record<string, ParamValue> | string
}

/** Every catalog parameter under its Keras name (`kernelSize` → `kernel_size`). */
const SAME = (p: Params, type: LayerType): KerasConfig => {
  const config: KerasConfig = {}
  for (const key of Object.keys(layerDef(type).params)) config[kerasParamName(key)] = p[key]
  return config
}

/** One side of a 2-D window (`[3, 3]` → 3); NaN when the sides differ. */
function square(v: unknown): number {
  if (typeof v === 'number') return v
  if (Array.isArray(v) && v.length > 0 && v.every((d) => d === v[0])) return Number(v[0])
  return NaN
}

function activationOf(c: KerasConfigIn): string {
  return typeof c.activation === 'string' ? c.activation : 'linear'
}

/** Why a convolution's layout or dilation keeps Strata from rebuilding it, or null. */
function convolutionProblem(c: KerasConfigIn): string | null {
  if (square(c.dilation_rate ?? 1) !== 1) return 'dilated convolutions'
  if (c.data_format === 'channels_first') return 'channels-first layout'
  return null
}

function pool(c: KerasConfigIn): Record<string, ParamValue> | string {
  const size = square(c.pool_size ?? 2)
  const strides = c.strides === null || c.strides === undefined ? size : square(c.strides)
  if (strides !== size) return 'pooling windows that overlap or leave gaps (strides ≠ pool size)'
  return { poolSize: size, padding: String(c.padding ?? 'valid') }
}

const plain = { toKeras: SAME }
const noParams = { toKeras: SAME, fromKeras: () => ({}) }

/** Every catalog layer's Keras form; `null`: it has none (a PretrainedBase is written out as its base's layers first). */
export const KERAS_LAYERS: Readonly<Record<LayerType, KerasMapping | null>> = {
  Input: plain,
  Dense: { toKeras: SAME, fromKeras: (c) => ({ units: Number(c.units), activation: activationOf(c), useBias: c.use_bias !== false }) },
  Activation: { toKeras: SAME, fromKeras: (c) => ({ activation: activationOf(c) }) },
  Dropout: { toKeras: SAME, fromKeras: (c) => ({ rate: Number(c.rate) }) },
  Flatten: noParams,
  Reshape: plain,
  BatchNormalization: {
    toKeras: SAME,
    fromKeras: (c) => {
      const axis = Array.isArray(c.axis) ? c.axis[0] : c.axis
      if (axis !== undefined && axis !== -1 && axis !== 3) return 'normalisation over an axis other than the channels'
      if (c.center === false || c.scale === false) return 'normalisation without centre or scale'
      return { momentum: Number(c.momentum ?? 0.99), epsilon: Number(c.epsilon ?? 0.001) }
    }
  },
  LayerNormalization: plain,
  Conv1D: plain,
  Conv2D: {
    toKeras: SAME,
    fromKeras: (c) =>
      convolutionProblem(c) ?? { filters: Number(c.filters), kernelSize: square(c.kernel_size), strides: square(c.strides ?? 1), padding: String(c.padding ?? 'valid'), activation: activationOf(c), useBias: c.use_bias !== false }
  },
  SeparableConv2D: plain,
  DepthwiseConv2D: {
    toKeras: SAME,
    fromKeras: (c) =>
      convolutionProblem(c) ?? {
        kernelSize: square(c.kernel_size),
        strides: square(c.strides ?? 1),
        padding: String(c.padding ?? 'valid'),
        depthMultiplier: Number(c.depth_multiplier ?? 1),
        activation: activationOf(c),
        useBias: c.use_bias !== false
      }
  },
  ZeroPadding2D: {
    toKeras: (p) => ({ padding: zeroPaddingForm(p) }),
    fromKeras: (c) => {
      if (c.data_format === 'channels_first') return 'channels-first layout'
      return zeroPaddingSides(c.padding ?? 1) ?? 'padding written in a form Strata does not read'
    }
  },
  MaxPooling1D: plain,
  MaxPooling2D: { toKeras: SAME, fromKeras: pool },
  AveragePooling2D: { toKeras: SAME, fromKeras: pool },
  GlobalAveragePooling1D: plain,
  GlobalAveragePooling2D: noParams,
  GlobalMaxPooling2D: noParams,
  Embedding: plain,
  LSTM: plain,
  // TF.js implements the original GRU; reset_after=False gives Keras the same weights and parameter count.
  GRU: { toKeras: (p, type) => ({ ...SAME(p, type), reset_after: false }) },
  Bidirectional: {
    toKeras: (p) => {
      const cell = bidirectionalCell(p)
      return { layer: kerasLayer(cell.type, cell.params)!, merge_mode: p.mergeMode }
    }
  },
  Add: noParams,
  Concatenate: { toKeras: SAME, fromKeras: (c) => (c.axis === undefined || c.axis === -1 ? {} : 'joining along an axis other than the last') },
  Rescaling: { toKeras: SAME, fromKeras: (c) => ({ scale: Number(c.scale), offset: Number(c.offset ?? 0) }) },
  RandomFlip: plain,
  RandomRotation: plain,
  // Strata zooms both sides by one factor; Keras takes the width's separately.
  RandomZoom: { toKeras: (p) => ({ height_factor: p.heightFactor, width_factor: p.heightFactor }) },
  PretrainedBase: null
}

/**
 * Keras layers Strata rebuilds as another catalog layer: a ReLU is an Activation (plain, or capped at 6 as in
 * MobileNet).
 */
const KERAS_ALIASES: Readonly<Record<string, (c: KerasConfigIn) => KerasReading>> = {
  ReLU: (c) => {
    if (Number(c.negative_slope ?? 0) !== 0 || Number(c.threshold ?? 0) !== 0) return 'a leaky or thresholded ReLU (only plain ReLU and ReLU capped at 6 are supported)'
    const max = c.max_value ?? null
    if (max === null) return { type: 'Activation', params: { activation: 'relu' } }
    return Number(max) === 6 ? { type: 'Activation', params: { activation: 'relu6' } } : `a ReLU capped at ${String(max)} (only 6 is supported)`
  }
}

/** The Keras layer for a catalog layer from its resolved parameters; null when it has no Keras form. */
export function kerasLayer(type: LayerType, params: Params): KerasLayerCall | null {
  const mapping = KERAS_LAYERS[type]
  return mapping ? { className: layerDef(type).keras, config: mapping.toKeras(params, type) } : null
}

/** True when a config value is a wrapped layer (Bidirectional's `layer`), not a plain value. */
export function isKerasLayerCall(value: KerasValue): value is KerasLayerCall {
  return typeof value === 'object' && !Array.isArray(value)
}

/** Keras class names of the catalog layers that can be read back, by class name. */
const IMPORTABLE = new Map(
  (Object.keys(KERAS_LAYERS) as LayerType[]).flatMap((type) => {
    const read = KERAS_LAYERS[type]?.fromKeras
    return read ? [[layerDef(type).keras, { type, read }] as const] : []
  })
)

/** A Keras layer (`class_name` and `config`, as model.json holds them) as a catalog layer; null when Strata has no layer for the class. */
export function readKerasLayer(className: string, config: KerasConfigIn): KerasReading | null {
  const alias = KERAS_ALIASES[className]
  if (alias) return alias(config)
  const known = IMPORTABLE.get(className)
  if (!known) return null
  const params = known.read(config)
  return typeof params === 'string' ? params : { type: known.type, params }
}
