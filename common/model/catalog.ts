/**
 * The layer catalog: one table describing every layer Strata can build. The palette, the inspector,
 * shape inference, validation, the TF.js compiler and the code generators are all derived from it.
 * A layer's one-line explanation lives in the message table under `build.layers.<Type>`, each parameter's
 * under `build.params.<param>` (both languages), so every text a user reads is translatable.
 */

/** A tensor shape without the batch dimension, e.g. `[28, 28, 1]`. */
export type Shape = number[]

/** A parameter value as stored in a model spec. */
export type ParamValue = number | string | boolean | number[]

/** Resolved parameters of one layer: every catalog parameter present, defaults filled in. */
export type Params = Readonly<Record<string, ParamValue>>

/** How a parameter is typed, its default and the values it may take. */
export type ParamDef =
  | { kind: 'int'; default: number; min: number; max: number }
  | { kind: 'float'; default: number; min: number; max: number; step: number }
  | { kind: 'enum'; default: string; options: readonly string[] }
  | { kind: 'bool'; default: boolean }
  | { kind: 'shape'; default: readonly number[]; allowInfer?: boolean }
  | { kind: 'text'; default: string }

/** A shape function's complaint, turned into a plain-language problem by inference. */
export interface ShapeComplaint {
  code: 'rankMismatch' | 'needsFlatten' | 'kernelTooLarge' | 'mergeShapeMismatch' | 'reshapeSize' | 'badShape'
  params?: Record<string, string | number>
}

/** What a shape function returns: the output shape, or why there is none. */
export type ShapeResult = { shape: Shape } | { complaint: ShapeComplaint }

/** Palette groups, in palette order. */
export const CATEGORIES = ['io', 'core', 'convolution', 'pooling', 'recurrent', 'normalization', 'merge', 'preprocessing', 'pretrained'] as const
export type Category = (typeof CATEGORIES)[number]

/** How many inputs a layer takes: none (the model input), exactly one, or two or more (merges). */
export type Arity = 0 | 1 | 'many'

/**
 * One catalog entry. `tfjs` is the factory under `tf.layers` (or a Strata layer class); `keras` the class under
 * `keras.layers`. How its parameters become each target's config is in the adapters beside this table:
 * tfjs-layers.ts (compiler and TF.js code), keras-layers.ts (Keras code and base import), onnx-layers.ts (ONNX export).
 */
export interface LayerDef {
  category: Category
  inputs: Arity
  params: Readonly<Record<string, ParamDef>>
  shape: (inputs: Shape[], p: Params) => ShapeResult
  paramCount: (inputs: Shape[], p: Params, out: Shape) => number
  /** Forward-pass floating point operations for one sample (a multiply-add counts as 2). */
  flops: (inputs: Shape[], p: Params, out: Shape) => number
  tfjs: string
  keras: string
  /** A random augmentation layer: it changes images only while training and passes them through at inference. */
  augmentation?: true
  /** Arithmetic heavy enough that training it on WebAssembly gains from a thread per core (convolutions). */
  threaded?: true
}

/** A yes/no fact a catalog entry may state about its layer. */
export type LayerFlag = 'augmentation' | 'threaded'

/** Activation functions both TF.js and Keras know by the same name. */
export const ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'softmax', 'tanh', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'gelu'] as const
export type ActivationName = (typeof ACTIVATIONS)[number]

const int = (dflt: number, min: number, max: number): ParamDef => ({ kind: 'int', default: dflt, min, max })
const float = (dflt: number, min: number, max: number, step = 0.01): ParamDef => ({ kind: 'float', default: dflt, min, max, step })
const choice = (dflt: string, options: readonly string[]): ParamDef => ({ kind: 'enum', default: dflt, options })
const bool = (dflt: boolean): ParamDef => ({ kind: 'bool', default: dflt })
const activation = (dflt: ActivationName = 'linear'): ParamDef => choice(dflt, ACTIVATIONS)
const padding = choice('valid', ['valid', 'same'])

const n = (v: ParamValue | undefined): number => v as number
const size = (s: Shape): number => s.reduce((a, b) => a * b, 1)
const last = (s: Shape): number => s[s.length - 1]
const ok = (shape: Shape): ShapeResult => ({ shape })
const fmt = (s: Shape): string => s.join('×')

function rank(inputs: Shape[], expected: number, hint: RankHint): ShapeResult | null {
  const s = inputs[0]
  if (s.length === expected) return null
  return { complaint: { code: 'rankMismatch', params: { expected, hint, shape: fmt(s), rank: s.length } } }
}

/** Output length along one axis for a window of `k` moving by `s`. */
export function windowLength(length: number, k: number, s: number, pad: string): number {
  return pad === 'same' ? Math.ceil(length / s) : Math.floor((length - k) / s) + 1
}

function windowed(inputs: Shape[], spatial: number, k: number, s: number, pad: string, channels: number): ShapeResult {
  const input = inputs[0]
  const dims = input.slice(0, spatial).map((len) => windowLength(len, k, s, pad))
  if (dims.some((d) => d < 1)) {
    return { complaint: { code: 'kernelTooLarge', params: { kernel: Array(spatial).fill(k).join('×'), shape: fmt(input.slice(0, spatial)) } } }
  }
  return ok([...dims, channels])
}

/** What kind of input a layer expects, named in rank problems (`build.hints.<hint>`). */
export type RankHint = 'image' | 'sequence' | 'tokens'

const zero = (): number => 0
const elementwise = (_inputs: Shape[], _p: Params, out: Shape): number => size(out)

/** The recurrent layers a Bidirectional can run in both directions, with their number of gates. */
export const RECURRENT_CELLS = { LSTM: 4, GRU: 3 } as const
export type RecurrentCell = keyof typeof RECURRENT_CELLS

// Per gate: a kernel over the input and the state, and a bias.
const rnnParams = (gates: number, inputs: Shape[], p: Params): number => gates * (n(p.units) * (last(inputs[0]) + n(p.units)) + n(p.units))
const rnnFlops = (gates: number, inputs: Shape[], p: Params): number => inputs[0][0] * 2 * gates * n(p.units) * (last(inputs[0]) + n(p.units))

/** Every layer Strata can build, keyed by its type name (the Keras class name). */
export const CATALOG = {
  Input: {
    category: 'io',
    inputs: 0,
    params: { shape: { kind: 'shape', default: [28, 28, 1] } },
    shape: (_inputs, p) => {
      const s = p.shape as number[]
      return s.length && s.every((d) => Number.isInteger(d) && d > 0) ? ok([...s]) : { complaint: { code: 'badShape', params: { shape: fmt(s) } } }
    },
    paramCount: zero,
    flops: zero,
    tfjs: 'input',
    keras: 'Input'
  },
  Dense: {
    category: 'core',
    inputs: 1,
    params: { units: int(32, 1, 65536), activation: activation(), useBias: bool(true) },
    shape: (inputs, p) =>
      inputs[0].length === 1 ? ok([n(p.units)]) : { complaint: { code: 'needsFlatten', params: { shape: fmt(inputs[0]) } } },
    paramCount: (inputs, p) => last(inputs[0]) * n(p.units) + (p.useBias ? n(p.units) : 0),
    flops: (inputs, p) => 2 * last(inputs[0]) * n(p.units),
    tfjs: 'dense',
    keras: 'Dense'
  },
  Activation: {
    category: 'core',
    inputs: 1,
    params: { activation: activation('relu') },
    shape: (inputs) => ok([...inputs[0]]),
    paramCount: zero,
    flops: elementwise,
    tfjs: 'activation',
    keras: 'Activation'
  },
  Dropout: {
    category: 'core',
    inputs: 1,
    params: { rate: float(0.5, 0, 0.95, 0.05) },
    shape: (inputs) => ok([...inputs[0]]),
    paramCount: zero,
    flops: elementwise,
    tfjs: 'dropout',
    keras: 'Dropout'
  },
  Flatten: {
    category: 'core',
    inputs: 1,
    params: {},
    shape: (inputs) => ok([size(inputs[0])]),
    paramCount: zero,
    flops: zero,
    tfjs: 'flatten',
    keras: 'Flatten'
  },
  Reshape: {
    category: 'core',
    inputs: 1,
    params: { targetShape: { kind: 'shape', default: [28, 28, 1], allowInfer: true } },
    shape: (inputs, p) => {
      const target = [...(p.targetShape as number[])]
      const total = size(inputs[0])
      const unknown = target.filter((d) => d === -1).length
      const known = size(target.filter((d) => d !== -1))
      const bad = { complaint: { code: 'reshapeSize', params: { shape: fmt(inputs[0]), total, target: fmt(target) } } } as const
      if (unknown > 1 || target.some((d) => d === 0 || d < -1) || !target.length) return bad
      if (unknown === 1) {
        if (total % known !== 0) return bad
        return ok(target.map((d) => (d === -1 ? total / known : d)))
      }
      return known === total ? ok(target) : bad
    },
    paramCount: zero,
    flops: zero,
    tfjs: 'reshape',
    keras: 'Reshape'
  },
  BatchNormalization: {
    category: 'normalization',
    inputs: 1,
    params: { momentum: float(0.99, 0, 0.999, 0.01), epsilon: float(0.001, 0.000001, 0.1, 0.0001) },
    shape: (inputs) => ok([...inputs[0]]),
    // Scale and offset are trained; the moving mean and variance are counted too, as TF.js and Keras do.
    paramCount: (inputs) => 4 * last(inputs[0]),
    flops: (_i, _p, out) => 4 * size(out),
    tfjs: 'batchNormalization',
    keras: 'BatchNormalization'
  },
  LayerNormalization: {
    category: 'normalization',
    inputs: 1,
    params: { epsilon: float(0.001, 0.000001, 0.1, 0.0001) },
    shape: (inputs) => ok([...inputs[0]]),
    paramCount: (inputs) => 2 * last(inputs[0]),
    flops: (_i, _p, out) => 8 * size(out),
    tfjs: 'layerNormalization',
    keras: 'LayerNormalization'
  },
  Conv1D: {
    category: 'convolution',
    inputs: 1,
    params: { filters: int(32, 1, 4096), kernelSize: int(3, 1, 64), strides: int(1, 1, 16), padding, activation: activation('relu'), useBias: bool(true) },
    shape: (inputs, p) => rank(inputs, 2, 'sequence') ?? windowed(inputs, 1, n(p.kernelSize), n(p.strides), p.padding as string, n(p.filters)),
    paramCount: (inputs, p) => n(p.kernelSize) * last(inputs[0]) * n(p.filters) + (p.useBias ? n(p.filters) : 0),
    flops: (inputs, p, out) => 2 * n(p.kernelSize) * last(inputs[0]) * size(out),
    tfjs: 'conv1d',
    keras: 'Conv1D',
    threaded: true
  },
  Conv2D: {
    category: 'convolution',
    inputs: 1,
    params: { filters: int(32, 1, 4096), kernelSize: int(3, 1, 32), strides: int(1, 1, 16), padding, activation: activation('relu'), useBias: bool(true) },
    shape: (inputs, p) => rank(inputs, 3, 'image') ?? windowed(inputs, 2, n(p.kernelSize), n(p.strides), p.padding as string, n(p.filters)),
    paramCount: (inputs, p) => n(p.kernelSize) ** 2 * last(inputs[0]) * n(p.filters) + (p.useBias ? n(p.filters) : 0),
    flops: (inputs, p, out) => 2 * n(p.kernelSize) ** 2 * last(inputs[0]) * size(out),
    tfjs: 'conv2d',
    keras: 'Conv2D',
    threaded: true
  },
  SeparableConv2D: {
    category: 'convolution',
    inputs: 1,
    params: {
      filters: int(32, 1, 4096),
      kernelSize: int(3, 1, 32),
      strides: int(1, 1, 16),
      padding,
      depthMultiplier: int(1, 1, 16),
      activation: activation('relu'),
      useBias: bool(true)
    },
    shape: (inputs, p) => rank(inputs, 3, 'image') ?? windowed(inputs, 2, n(p.kernelSize), n(p.strides), p.padding as string, n(p.filters)),
    paramCount: (inputs, p) => {
      const c = last(inputs[0])
      const dm = n(p.depthMultiplier)
      return n(p.kernelSize) ** 2 * c * dm + c * dm * n(p.filters) + (p.useBias ? n(p.filters) : 0)
    },
    flops: (inputs, p, out) => {
      const c = last(inputs[0])
      const pixels = out[0] * out[1]
      const dm = n(p.depthMultiplier)
      return 2 * pixels * (n(p.kernelSize) ** 2 * c * dm + c * dm * n(p.filters))
    },
    tfjs: 'separableConv2d',
    keras: 'SeparableConv2D',
    threaded: true
  },
  DepthwiseConv2D: {
    category: 'convolution',
    inputs: 1,
    params: { kernelSize: int(3, 1, 32), strides: int(1, 1, 16), padding, depthMultiplier: int(1, 1, 16), activation: activation('linear'), useBias: bool(true) },
    shape: (inputs, p) => rank(inputs, 3, 'image') ?? windowed(inputs, 2, n(p.kernelSize), n(p.strides), p.padding as string, last(inputs[0]) * n(p.depthMultiplier)),
    paramCount: (inputs, p) => {
      const c = last(inputs[0]) * n(p.depthMultiplier)
      return n(p.kernelSize) ** 2 * c + (p.useBias ? c : 0)
    },
    flops: (_inputs, p, out) => 2 * n(p.kernelSize) ** 2 * size(out),
    tfjs: 'depthwiseConv2d',
    keras: 'DepthwiseConv2D',
    threaded: true
  },
  ZeroPadding2D: {
    category: 'convolution',
    inputs: 1,
    // Rows of zeros added above and below, columns left and right (MobileNet pads one side only before a stride-2 convolution).
    params: { padTop: int(1, 0, 64), padBottom: int(1, 0, 64), padLeft: int(1, 0, 64), padRight: int(1, 0, 64) },
    shape: (inputs, p) => rank(inputs, 3, 'image') ?? ok([inputs[0][0] + n(p.padTop) + n(p.padBottom), inputs[0][1] + n(p.padLeft) + n(p.padRight), last(inputs[0])]),
    paramCount: zero,
    flops: zero,
    tfjs: 'zeroPadding2d',
    keras: 'ZeroPadding2D'
  },
  MaxPooling1D: {
    category: 'pooling',
    inputs: 1,
    params: { poolSize: int(2, 1, 64), padding },
    shape: (inputs, p) => rank(inputs, 2, 'sequence') ?? windowed(inputs, 1, n(p.poolSize), n(p.poolSize), p.padding as string, last(inputs[0])),
    paramCount: zero,
    flops: (inputs) => size(inputs[0]),
    tfjs: 'maxPooling1d',
    keras: 'MaxPooling1D'
  },
  MaxPooling2D: {
    category: 'pooling',
    inputs: 1,
    params: { poolSize: int(2, 1, 32), padding },
    shape: (inputs, p) => rank(inputs, 3, 'image') ?? windowed(inputs, 2, n(p.poolSize), n(p.poolSize), p.padding as string, last(inputs[0])),
    paramCount: zero,
    flops: (inputs) => size(inputs[0]),
    tfjs: 'maxPooling2d',
    keras: 'MaxPooling2D'
  },
  AveragePooling2D: {
    category: 'pooling',
    inputs: 1,
    params: { poolSize: int(2, 1, 32), padding },
    shape: (inputs, p) => rank(inputs, 3, 'image') ?? windowed(inputs, 2, n(p.poolSize), n(p.poolSize), p.padding as string, last(inputs[0])),
    paramCount: zero,
    flops: (inputs) => size(inputs[0]),
    tfjs: 'averagePooling2d',
    keras: 'AveragePooling2D'
  },
  GlobalAveragePooling1D: {
    category: 'pooling',
    inputs: 1,
    params: {},
    shape: (inputs) => rank(inputs, 2, 'sequence') ?? ok([last(inputs[0])]),
    paramCount: zero,
    flops: (inputs) => size(inputs[0]),
    tfjs: 'globalAveragePooling1d',
    keras: 'GlobalAveragePooling1D'
  },
  GlobalAveragePooling2D: {
    category: 'pooling',
    inputs: 1,
    params: {},
    shape: (inputs) => rank(inputs, 3, 'image') ?? ok([last(inputs[0])]),
    paramCount: zero,
    flops: (inputs) => size(inputs[0]),
    tfjs: 'globalAveragePooling2d',
    keras: 'GlobalAveragePooling2D'
  },
  GlobalMaxPooling2D: {
    category: 'pooling',
    inputs: 1,
    params: {},
    shape: (inputs) => rank(inputs, 3, 'image') ?? ok([last(inputs[0])]),
    paramCount: zero,
    flops: (inputs) => size(inputs[0]),
    tfjs: 'globalMaxPooling2d',
    keras: 'GlobalMaxPooling2D'
  },
  Embedding: {
    category: 'core',
    inputs: 1,
    params: { inputDim: int(10000, 2, 1_000_000), outputDim: int(64, 1, 4096) },
    shape: (inputs, p) => rank(inputs, 1, 'tokens') ?? ok([inputs[0][0], n(p.outputDim)]),
    paramCount: (_i, p) => n(p.inputDim) * n(p.outputDim),
    flops: zero,
    tfjs: 'embedding',
    keras: 'Embedding'
  },
  LSTM: {
    category: 'recurrent',
    inputs: 1,
    params: { units: int(64, 1, 4096), returnSequences: bool(false) },
    shape: (inputs, p) => rank(inputs, 2, 'sequence') ?? ok(p.returnSequences ? [inputs[0][0], n(p.units)] : [n(p.units)]),
    paramCount: (inputs, p) => rnnParams(RECURRENT_CELLS.LSTM, inputs, p),
    flops: (inputs, p) => rnnFlops(RECURRENT_CELLS.LSTM, inputs, p),
    tfjs: 'lstm',
    keras: 'LSTM'
  },
  GRU: {
    category: 'recurrent',
    inputs: 1,
    params: { units: int(64, 1, 4096), returnSequences: bool(false) },
    shape: (inputs, p) => rank(inputs, 2, 'sequence') ?? ok(p.returnSequences ? [inputs[0][0], n(p.units)] : [n(p.units)]),
    // TF.js implements the original GRU (reset_after=False); the Keras code asks for the same variant.
    paramCount: (inputs, p) => rnnParams(RECURRENT_CELLS.GRU, inputs, p),
    flops: (inputs, p) => rnnFlops(RECURRENT_CELLS.GRU, inputs, p),
    tfjs: 'gru',
    keras: 'GRU'
  },
  Bidirectional: {
    category: 'recurrent',
    inputs: 1,
    // `layer` is the recurrent layer run forwards and backwards, built from `units` and `returnSequences` (see bidirectionalCell).
    params: { layer: choice('LSTM', Object.keys(RECURRENT_CELLS)), units: int(64, 1, 4096), returnSequences: bool(false), mergeMode: choice('concat', ['concat', 'sum', 'mul', 'ave']) },
    shape: (inputs, p) => {
      const width = p.mergeMode === 'concat' ? 2 * n(p.units) : n(p.units)
      return rank(inputs, 2, 'sequence') ?? ok(p.returnSequences ? [inputs[0][0], width] : [width])
    },
    paramCount: (inputs, p) => 2 * rnnParams(RECURRENT_CELLS[bidirectionalCell(p).type], inputs, p),
    flops: (inputs, p) => 2 * rnnFlops(RECURRENT_CELLS[bidirectionalCell(p).type], inputs, p),
    tfjs: 'bidirectional',
    keras: 'Bidirectional'
  },
  Add: {
    category: 'merge',
    inputs: 'many',
    params: {},
    shape: (inputs) => {
      const first = fmt(inputs[0])
      const other = inputs.find((s) => fmt(s) !== first)
      return other ? { complaint: { code: 'mergeShapeMismatch', params: { shapes: inputs.map(fmt).join(', ') } } } : ok([...inputs[0]])
    },
    paramCount: zero,
    flops: (inputs, _p, out) => (inputs.length - 1) * size(out),
    tfjs: 'add',
    keras: 'Add'
  },
  Concatenate: {
    category: 'merge',
    inputs: 'many',
    params: {},
    shape: (inputs) => {
      const leading = (s: Shape): string => fmt(s.slice(0, -1))
      const bad = inputs.some((s) => s.length !== inputs[0].length || leading(s) !== leading(inputs[0]))
      if (bad) return { complaint: { code: 'mergeShapeMismatch', params: { shapes: inputs.map(fmt).join(', ') } } }
      return ok([...inputs[0].slice(0, -1), inputs.reduce((sum, s) => sum + last(s), 0)])
    },
    paramCount: zero,
    flops: zero,
    tfjs: 'concatenate',
    keras: 'Concatenate'
  },
  Rescaling: {
    category: 'preprocessing',
    inputs: 1,
    params: { scale: float(1 / 255, -1000, 1000, 0.001), offset: float(0, -1000, 1000, 0.1) },
    shape: (inputs) => ok([...inputs[0]]),
    paramCount: zero,
    flops: elementwise,
    tfjs: 'rescaling',
    keras: 'Rescaling'
  },
  RandomFlip: {
    category: 'preprocessing',
    inputs: 1,
    params: { mode: choice('horizontal', ['horizontal', 'vertical', 'horizontal_and_vertical']) },
    shape: (inputs) => rank(inputs, 3, 'image') ?? ok([...inputs[0]]),
    paramCount: zero,
    flops: zero,
    tfjs: 'StrataRandomFlip',
    keras: 'RandomFlip',
    augmentation: true
  },
  RandomRotation: {
    category: 'preprocessing',
    inputs: 1,
    params: { factor: float(0.1, 0, 0.5, 0.01) },
    shape: (inputs) => rank(inputs, 3, 'image') ?? ok([...inputs[0]]),
    paramCount: zero,
    flops: elementwise,
    tfjs: 'StrataRandomRotation',
    keras: 'RandomRotation',
    augmentation: true
  },
  RandomZoom: {
    category: 'preprocessing',
    inputs: 1,
    params: { heightFactor: float(0.1, 0, 0.5, 0.01) },
    shape: (inputs) => rank(inputs, 3, 'image') ?? ok([...inputs[0]]),
    paramCount: zero,
    flops: elementwise,
    tfjs: 'StrataRandomZoom',
    keras: 'RandomZoom',
    augmentation: true
  },
  PretrainedBase: {
    category: 'pretrained',
    inputs: 1,
    // Which imported base, the layer to cut it at ('' = before its classifier), and how many of its last weighted layers train.
    params: { base: { kind: 'text', default: '' }, cutAt: { kind: 'text', default: '' }, unfreeze: int(0, 0, 1000) },
    // The base's own shapes and sizes come from its imported description (common/model/bases.ts), not from here.
    shape: (inputs) => ok([...inputs[0]]),
    paramCount: zero,
    flops: zero,
    tfjs: 'StrataPretrainedBase',
    keras: 'StrataPretrainedBase',
    // Shipped bases are convolutional feature extractors.
    threaded: true
  }
} as const satisfies Record<string, LayerDef>

/** A layer type name such as `Dense`. */
export type LayerType = keyof typeof CATALOG

/** The layer types whose catalog entry is flagged `augmentation`. */
export type AugmentationLayerType = { [K in LayerType]: (typeof CATALOG)[K] extends { augmentation: true } ? K : never }[LayerType]

/** Every layer type, in catalog order. */
export const LAYER_TYPES = Object.keys(CATALOG) as LayerType[]

/** True when `type` names a catalog layer. */
export function isLayerType(type: unknown): type is LayerType {
  return typeof type === 'string' && Object.hasOwn(CATALOG, type)
}

/** The catalog entry of a layer type. */
export function layerDef(type: LayerType): LayerDef {
  return CATALOG[type]
}

/** True when `type` is a catalog layer whose entry states `flag` (false for anything else). */
export function hasLayerFlag(type: string, flag: LayerFlag): boolean {
  return isLayerType(type) && layerDef(type)[flag] === true
}

/** Which layer a Bidirectional runs in each direction, and that layer's own parameters. */
export function bidirectionalCell(p: Params): { type: RecurrentCell; params: Record<string, ParamValue> } {
  const type: RecurrentCell = p.layer === 'GRU' ? 'GRU' : 'LSTM'
  return { type, params: resolveParams(type, { units: p.units, returnSequences: p.returnSequences }) }
}

/** The default parameters of a layer type. */
export function defaultParams(type: LayerType): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {}
  for (const [name, def] of Object.entries(layerDef(type).params)) {
    out[name] = Array.isArray(def.default) ? [...def.default] : (def.default as ParamValue)
  }
  return out
}

/** A node's parameters with catalog defaults filled in for anything the spec leaves out. */
export function resolveParams(type: LayerType, params: Readonly<Record<string, ParamValue>> = {}): Record<string, ParamValue> {
  const out = defaultParams(type)
  for (const name of Object.keys(out)) {
    const value = params[name]
    if (value !== undefined) out[name] = Array.isArray(value) ? [...value] : value
  }
  return out
}

/** Why a parameter value is not allowed, or null when it is. */
export function checkParam(def: ParamDef, value: ParamValue): { reason: 'type' | 'range' | 'option'; min?: number; max?: number } | null {
  switch (def.kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return { reason: 'type' }
      return value < def.min || value > def.max ? { reason: 'range', min: def.min, max: def.max } : null
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) return { reason: 'type' }
      return value < def.min || value > def.max ? { reason: 'range', min: def.min, max: def.max } : null
    case 'enum':
      return typeof value === 'string' && def.options.includes(value) ? null : { reason: 'option' }
    case 'bool':
      return typeof value === 'boolean' ? null : { reason: 'type' }
    case 'shape':
      return Array.isArray(value) && value.length > 0 && value.every((d) => Number.isInteger(d)) ? null : { reason: 'type' }
    case 'text':
      return typeof value === 'string' && value.length <= 200 ? null : { reason: 'type' }
  }
}

/** A shape as people read it: `28×28×1`. */
export function formatShape(shape: readonly number[]): string {
  return shape.join('×')
}

/** Parses `28x28x1`, `28×28×1` or `28,28,1` into a shape; null when it is not one. */
export function parseShape(text: string): Shape | null {
  const parts = text.trim().split(/\s*[x×,]\s*/i)
  const dims = parts.map((p) => Number(p))
  return parts.length && dims.every((d) => Number.isInteger(d) && (d > 0 || d === -1)) ? dims : null
}

/** The keyword-free name of a parameter in Keras (`kernelSize` → `kernel_size`). */
export function kerasParamName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
}
