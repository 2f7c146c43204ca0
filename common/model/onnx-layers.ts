/**
 * How each catalog layer becomes ONNX operators: one emitter per layer type, beside the catalog, so a new layer is a
 * catalog entry plus its mapping here. `null` means the layer cannot be exported to ONNX yet, which the exporter
 * reports per layer in plain words. Tensors keep TF.js's channels-last layout (NHWC) between layers; convolutions
 * and pooling transpose to ONNX's channels-first layout and back, so Flatten sees TF.js's element order.
 */
import { RECURRENT_CELLS, bidirectionalCell, type ActivationName, type LayerType, type ParamValue, type RecurrentCell, type Shape } from './catalog'

/** An attribute of an ONNX node; ONNX tells the kinds apart by an explicit type tag. */
export type OnnxAttribute =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: number[] }
  | { kind: 'floats'; value: number[] }
  | { kind: 'string'; value: string }
  | { kind: 'strings'; value: string[] }

/** One weight tensor of a trained layer, in TF.js's layout and order (`layer.getWeights()`). */
export interface LayerWeight {
  shape: number[]
  values: Float32Array
}

/** What an emitter may add to the ONNX graph being built. Every method returns the name of the tensor it made. */
export interface OnnxGraphBuilder {
  op(op: string, inputs: string[], attributes?: Record<string, OnnxAttribute>): string
  floats(dims: number[], values: Float32Array | number[]): string
  int64s(values: number[]): string
}

/** One layer as its emitter sees it: resolved parameters, input tensor names and shapes (no batch), trained weights. */
export interface OnnxLayer {
  id: string
  params: Record<string, ParamValue>
  inputs: string[]
  inputShapes: Shape[]
  outputShape: Shape
  weights: LayerWeight[]
}

/** Adds a layer's operators and returns the name of its output tensor. */
export type OnnxEmitter = (g: OnnxGraphBuilder, layer: OnnxLayer) => string

const ints = (value: number[]): OnnxAttribute => ({ kind: 'ints', value })
const int = (value: number): OnnxAttribute => ({ kind: 'int', value })
const float = (value: number): OnnxAttribute => ({ kind: 'float', value })
const num = (v: ParamValue): number => v as number

/** Copies `values` of `shape` into the axis order `perm` (like numpy's transpose). */
export function permute(values: Float32Array, shape: number[], perm: number[]): Float32Array {
  const rank = shape.length
  const outShape = perm.map((p) => shape[p])
  const strides = new Array<number>(rank)
  strides[rank - 1] = 1
  for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1] * shape[i + 1]
  const out = new Float32Array(values.length)
  const index = new Array<number>(rank).fill(0)
  for (let o = 0; o < out.length; o++) {
    let src = 0
    for (let i = 0; i < rank; i++) src += index[i] * strides[perm[i]]
    out[o] = values[src]
    for (let i = rank - 1; i >= 0; i--) {
      if (++index[i] < outShape[i]) break
      index[i] = 0
    }
  }
  return out
}

/** ONNX `pads` ([begins…, ends…]) reproducing TF's `same` padding (the odd pixel goes at the end), or zeros for `valid`. */
export function tfPads(input: number[], kernel: number[], strides: number[], padding: string): number[] {
  if (padding !== 'same') return [...input.map(() => 0), ...input.map(() => 0)]
  const totals = input.map((len, i) => Math.max((Math.ceil(len / strides[i]) - 1) * strides[i] + kernel[i] - len, 0))
  return [...totals.map((t) => Math.floor(t / 2)), ...totals.map((t) => t - Math.floor(t / 2))]
}

/** Every catalog activation as ONNX operators, applied to tensor `x` (a missing one does not compile). */
export const ONNX_ACTIVATIONS: Readonly<Record<ActivationName, (g: OnnxGraphBuilder, x: string) => string>> = {
  linear: (_g, x) => x,
  relu: (g, x) => g.op('Relu', [x]),
  relu6: (g, x) => g.op('Clip', [x, g.floats([], [0]), g.floats([], [6])]),
  sigmoid: (g, x) => g.op('Sigmoid', [x]),
  softmax: (g, x) => g.op('Softmax', [x], { axis: int(-1) }),
  tanh: (g, x) => g.op('Tanh', [x]),
  elu: (g, x) => g.op('Elu', [x], { alpha: float(1) }),
  selu: (g, x) => g.op('Selu', [x], { alpha: float(1.6732632423543772), gamma: float(1.0507009873554805) }),
  softplus: (g, x) => g.op('Softplus', [x]),
  softsign: (g, x) => g.op('Softsign', [x]),
  swish: (g, x) => g.op('Mul', [x, g.op('Sigmoid', [x])]),
  gelu: (g, x) => {
    // TF.js's exact GELU: x · ½(1 + erf(x / √2)).
    const erf = g.op('Erf', [g.op('Div', [x, g.floats([], [Math.SQRT2])])])
    return g.op('Mul', [x, g.op('Mul', [g.floats([], [0.5]), g.op('Add', [erf, g.floats([], [1])])])])
  }
}

/** Applies a catalog activation by name. */
export function activate(g: OnnxGraphBuilder, x: string, name: ParamValue): string {
  if (typeof name !== 'string' || !Object.hasOwn(ONNX_ACTIVATIONS, name)) throw new Error(`no ONNX form for the activation "${String(name)}"`)
  return ONNX_ACTIVATIONS[name as ActivationName](g, x)
}

const TO_CHANNELS_FIRST = { 1: [0, 2, 1], 2: [0, 3, 1, 2] } as const
const TO_CHANNELS_LAST = { 1: [0, 2, 1], 2: [0, 2, 3, 1] } as const

/** Runs a channels-first ONNX operator on a channels-last tensor, transposing in and out. */
function channelsFirst(g: OnnxGraphBuilder, x: string, spatial: 1 | 2, body: (xt: string) => string): string {
  const xt = g.op('Transpose', [x], { perm: ints([...TO_CHANNELS_FIRST[spatial]]) })
  return g.op('Transpose', [body(xt)], { perm: ints([...TO_CHANNELS_LAST[spatial]]) })
}

function convolution(spatial: 1 | 2): OnnxEmitter {
  return (g, L) => {
    const [kernel, bias] = L.weights
    const k = num(L.params.kernelSize)
    const s = num(L.params.strides)
    const filters = num(L.params.filters)
    const cin = L.inputShapes[0][spatial]
    // TF.js kernels are [k, (k,) in, out]; ONNX wants [out, in, k, (k)].
    const perm = spatial === 2 ? [3, 2, 0, 1] : [2, 1, 0]
    const dims = spatial === 2 ? [filters, cin, k, k] : [filters, cin, k]
    const w = g.floats(dims, permute(kernel.values, kernel.shape, perm))
    const b = L.params.useBias && bias ? [g.floats([filters], bias.values)] : []
    const window = Array<number>(spatial).fill(k)
    const step = Array<number>(spatial).fill(s)
    const y = channelsFirst(g, L.inputs[0], spatial, (xt) =>
      g.op('Conv', [xt, w, ...b], { kernel_shape: ints(window), strides: ints(step), pads: ints(tfPads(L.inputShapes[0].slice(0, spatial), window, step, L.params.padding as string)) })
    )
    return activate(g, y, L.params.activation)
  }
}

function pooling(op: 'MaxPool' | 'AveragePool', spatial: 1 | 2): OnnxEmitter {
  return (g, L) => {
    const k = num(L.params.poolSize)
    const window = Array<number>(spatial).fill(k)
    const pads = tfPads(L.inputShapes[0].slice(0, spatial), window, window, L.params.padding as string)
    // count_include_pad=0: TF averages only over the real pixels of a padded window.
    const extra: Record<string, OnnxAttribute> = op === 'AveragePool' ? { count_include_pad: int(0) } : {}
    return channelsFirst(g, L.inputs[0], spatial, (xt) => g.op(op, [xt], { kernel_shape: ints(window), strides: ints(window), pads: ints(pads), ...extra }))
  }
}

const identity: OnnxEmitter = (_g, L) => L.inputs[0]

/**
 * TF.js's LSTM (gates i, f, c, o) or GRU (gates z, r, h; reset before the recurrent product) as ONNX's LSTM (gates
 * i, o, f, c) or GRU (z, r, h; linear_before_reset=0), with TF.js's hard sigmoid (0.2x + 0.5, ONNX's default
 * HardSigmoid) inside the gates and tanh elsewhere. Time runs along ONNX's first axis, so the input is transposed.
 */
function recurrent(kind: RecurrentCell, bidirectional = false): OnnxEmitter {
  return (g, L) => {
    const units = num(L.params.units)
    const [steps, features] = L.inputShapes[0]
    const gates = RECURRENT_CELLS[kind]
    const dirs = bidirectional ? 2 : 1
    // ONNX gate block k takes TF.js gate block order[k].
    const order = kind === 'LSTM' ? [0, 3, 1, 2] : [0, 1, 2]
    const reorder = (w: LayerWeight, rows: number, out: Float32Array, at: number): void => {
      const t = permute(w.values, w.shape, [1, 0])
      order.forEach((from, to) => out.set(t.subarray(from * units * rows, (from + 1) * units * rows), at + to * units * rows))
    }
    const w = new Float32Array(dirs * gates * units * features)
    const r = new Float32Array(dirs * gates * units * units)
    const b = new Float32Array(dirs * 2 * gates * units)
    // TF.js lists each direction's weights in turn: kernel, recurrent kernel, bias (forward first).
    const perDirection = L.weights.length / dirs
    for (let d = 0; d < dirs; d++) {
      const [kernel, recurrentKernel, bias] = L.weights.slice(d * perDirection, (d + 1) * perDirection)
      reorder(kernel, features, w, d * gates * units * features)
      reorder(recurrentKernel, units, r, d * gates * units * units)
      if (bias && perDirection === 3) order.forEach((from, to) => b.set(bias.values.subarray(from * units, (from + 1) * units), d * 2 * gates * units + to * units))
    }
    const activations = kind === 'LSTM' ? ['HardSigmoid', 'Tanh', 'Tanh'] : ['HardSigmoid', 'Tanh']
    const x = g.op('Transpose', [L.inputs[0]], { perm: ints([1, 0, 2]) })
    // Y: [steps, directions, batch, units]; a direction's outputs are in the input's time order.
    const y = g.op(kind, [x, g.floats([dirs, gates * units, features], w), g.floats([dirs, gates * units, units], r), g.floats([dirs, 2 * gates * units], b)], {
      hidden_size: int(units),
      direction: { kind: 'string', value: bidirectional ? 'bidirectional' : 'forward' },
      activations: { kind: 'strings', value: [...activations, ...(bidirectional ? activations : [])] }
    })
    // One direction's output, batch first: the whole sequence, or its final state (the backward pass ends at step 0).
    const direction = (d: number): string => {
      if (L.params.returnSequences) {
        const seq = g.op('Gather', [y, g.int64s([d])], { axis: int(1) })
        return g.op('Transpose', [g.op('Squeeze', [seq, g.int64s([1])])], { perm: ints([1, 0, 2]) })
      }
      const state = g.op('Gather', [y, g.int64s([d === 0 ? steps - 1 : 0])], { axis: int(0) })
      return g.op('Reshape', [g.op('Gather', [state, g.int64s([d])], { axis: int(1) }), g.int64s([-1, units])])
    }
    if (!bidirectional) return direction(0)
    const [forward, backward] = [direction(0), direction(1)]
    switch (L.params.mergeMode) {
      case 'sum':
        return g.op('Add', [forward, backward])
      case 'mul':
        return g.op('Mul', [forward, backward])
      case 'ave':
        return g.op('Mul', [g.op('Add', [forward, backward]), g.floats([], [0.5])])
      default:
        return g.op('Concat', [forward, backward], { axis: int(-1) })
    }
  }
}

/** Every catalog layer's ONNX mapping; `null` layers refuse with a per-layer message. */
export const ONNX_LAYERS: Readonly<Record<LayerType, OnnxEmitter | null>> = {
  Input: identity,
  Dense: (g, L) => {
    const [kernel, bias] = L.weights
    let y = g.op('MatMul', [L.inputs[0], g.floats(kernel.shape, kernel.values)])
    if (L.params.useBias && bias) y = g.op('Add', [y, g.floats(bias.shape, bias.values)])
    return activate(g, y, L.params.activation)
  },
  Activation: (g, L) => activate(g, L.inputs[0], L.params.activation),
  Dropout: identity,
  Flatten: (g, L) => g.op('Flatten', [L.inputs[0]], { axis: int(1) }),
  Reshape: (g, L) => g.op('Reshape', [L.inputs[0], g.int64s([-1, ...L.outputShape])]),
  BatchNormalization: (g, L) => {
    // Inference form: y = x·scale + shift with scale = γ/√(σ²+ε) and shift = β − μ·scale, along the last axis.
    const [gamma, beta, mean, variance] = L.weights
    const eps = num(L.params.epsilon)
    const scale = gamma.values.map((gm, i) => gm / Math.sqrt(variance.values[i] + eps))
    const shift = beta.values.map((b, i) => b - mean.values[i] * scale[i])
    return g.op('Add', [g.op('Mul', [L.inputs[0], g.floats([scale.length], scale)]), g.floats([shift.length], shift)])
  },
  LayerNormalization: (g, L) => {
    const [gamma, beta] = L.weights
    return g.op('LayerNormalization', [L.inputs[0], g.floats(gamma.shape, gamma.values), g.floats(beta.shape, beta.values)], {
      axis: int(-1),
      epsilon: float(num(L.params.epsilon))
    })
  },
  Conv1D: convolution(1),
  Conv2D: convolution(2),
  SeparableConv2D: (g, L) => {
    const [depthwise, pointwise, bias] = L.weights
    const k = num(L.params.kernelSize)
    const s = num(L.params.strides)
    const dm = num(L.params.depthMultiplier)
    const filters = num(L.params.filters)
    const cin = L.inputShapes[0][2]
    // Depthwise [k, k, in, dm] → grouped conv [in·dm, 1, k, k]: output channel c·dm + m reads input channel c, as in TF.
    const dw = g.floats([cin * dm, 1, k, k], permute(depthwise.values, depthwise.shape, [2, 3, 0, 1]))
    const pw = g.floats([filters, cin * dm, 1, 1], permute(pointwise.values, pointwise.shape, [3, 2, 0, 1]))
    const b = L.params.useBias && bias ? [g.floats([filters], bias.values)] : []
    const pads = tfPads(L.inputShapes[0].slice(0, 2), [k, k], [s, s], L.params.padding as string)
    const y = channelsFirst(g, L.inputs[0], 2, (xt) => {
      const d = g.op('Conv', [xt, dw], { kernel_shape: ints([k, k]), strides: ints([s, s]), pads: ints(pads), group: int(cin) })
      return g.op('Conv', [d, pw, ...b], { kernel_shape: ints([1, 1]) })
    })
    return activate(g, y, L.params.activation)
  },
  DepthwiseConv2D: (g, L) => {
    const [depthwise, bias] = L.weights
    const k = num(L.params.kernelSize)
    const s = num(L.params.strides)
    const dm = num(L.params.depthMultiplier)
    const cin = L.inputShapes[0][2]
    // TF.js [k, k, in, dm] → grouped conv [in·dm, 1, k, k] with one group per input channel (output c·dm + m reads c).
    const w = g.floats([cin * dm, 1, k, k], permute(depthwise.values, depthwise.shape, [2, 3, 0, 1]))
    const b = L.params.useBias && bias ? [g.floats([cin * dm], bias.values)] : []
    const pads = tfPads(L.inputShapes[0].slice(0, 2), [k, k], [s, s], L.params.padding as string)
    const y = channelsFirst(g, L.inputs[0], 2, (xt) => g.op('Conv', [xt, w, ...b], { kernel_shape: ints([k, k]), strides: ints([s, s]), pads: ints(pads), group: int(cin) }))
    return activate(g, y, L.params.activation)
  },
  // Pads the height and width axes of the NHWC tensor: pads are [begins (N, H, W, C), ends (N, H, W, C)].
  ZeroPadding2D: (g, L) =>
    g.op('Pad', [L.inputs[0], g.int64s([0, num(L.params.padTop), num(L.params.padLeft), 0, 0, num(L.params.padBottom), num(L.params.padRight), 0])], {
      mode: { kind: 'string', value: 'constant' }
    }),
  MaxPooling1D: pooling('MaxPool', 1),
  MaxPooling2D: pooling('MaxPool', 2),
  AveragePooling2D: pooling('AveragePool', 2),
  GlobalAveragePooling1D: (g, L) => g.op('ReduceMean', [L.inputs[0]], { axes: ints([1]), keepdims: int(0) }),
  GlobalAveragePooling2D: (g, L) => g.op('ReduceMean', [L.inputs[0]], { axes: ints([1, 2]), keepdims: int(0) }),
  GlobalMaxPooling2D: (g, L) => g.op('ReduceMax', [L.inputs[0]], { axes: ints([1, 2]), keepdims: int(0) }),
  Embedding: (g, L) => {
    const [table] = L.weights
    // Token ids arrive as floats, as the TF.js model takes them.
    const ids = g.op('Cast', [L.inputs[0]], { to: int(7) })
    return g.op('Gather', [g.floats(table.shape, table.values), ids], { axis: int(0) })
  },
  LSTM: recurrent('LSTM'),
  GRU: recurrent('GRU'),
  Bidirectional: (g, L) => recurrent(bidirectionalCell(L.params).type, true)(g, L),
  Add: (g, L) => L.inputs.slice(1).reduce((sum, x) => g.op('Add', [sum, x]), L.inputs[0]),
  Concatenate: (g, L) => g.op('Concat', L.inputs, { axis: int(-1) }),
  Rescaling: (g, L) => g.op('Add', [g.op('Mul', [L.inputs[0], g.floats([], [num(L.params.scale)])]), g.floats([], [num(L.params.offset)])]),
  // Augmentation only acts while training: at inference these layers pass images through.
  RandomFlip: identity,
  RandomRotation: identity,
  RandomZoom: identity,
  PretrainedBase: null
}
