/**
 * Pretrained bases: a TF.js layers model imported into a project, described here as catalog layers so shape
 * inference, the compiler and every exporter can treat its layers like any other (no TensorFlow.js needed).
 */
import { checkParam, layerDef, resolveParams, type LayerType, type ParamValue, type Shape } from './catalog'
import type { Edge, LayerNode, ModelSpec } from './spec'

/** One layer of a base, as a catalog layer. */
export interface BaseLayer {
  /** The layer's name as Strata uses it in node ids (letters, digits, `_`, `-`). */
  name: string
  /** The layer's name inside the base's model.json, used to read its weights. */
  source: string
  type: LayerType
  params: Record<string, ParamValue>
  /** Names of the layers it reads from; the base's input is `INPUT`. */
  inputs: string[]
  outputShape: Shape
  paramCount: number
  flops: number
}

/** The name standing for the base's own input among {@link BaseLayer.inputs}. */
export const BASE_INPUT = '@input'

/** A base imported into a project (`bases/<id>/base.json` beside its model.json and weights.bin). */
export interface BaseInfo {
  id: string
  name: string
  inputShape: Shape
  /** Every layer but the input, in an order where each comes after its inputs. */
  layers: BaseLayer[]
  /** Where to cut when the spec names no layer: the last layer before the base's own classifier. */
  defaultCut: string
  /** sha256 of model.json and the weights, as imported. */
  sha256: string
}

/** Why a base's topology cannot be described with catalog layers: one reason per layer. */
export interface BaseLayerProblem {
  layer: string
  className: string
  reason: string
}

/** What reading a base's model.json gives: its description, or the layers Strata cannot build. */
export type BaseReading = { ok: true; info: Omit<BaseInfo, 'id' | 'name' | 'sha256'> } | { ok: false; problems: BaseLayerProblem[] }

type KerasConfig = Record<string, unknown>
interface KerasLayer {
  class_name: string
  name?: string
  config: KerasConfig
  inbound_nodes?: unknown[]
}

/** One side of a 2-D window (`[3, 3]` → 3); NaN when the sides differ. */
function square(v: unknown): number {
  if (typeof v === 'number') return v
  if (Array.isArray(v) && v.length > 0 && v.every((d) => d === v[0])) return Number(v[0])
  return NaN
}

function activationOf(config: KerasConfig): string {
  return typeof config.activation === 'string' ? config.activation : 'linear'
}

/** Keras class name → catalog layer and parameters, or the reason it cannot be one. */
const CONVERTERS: Record<string, (c: KerasConfig) => { type: LayerType; params: Record<string, ParamValue> } | string> = {
  Dense: (c) => ({ type: 'Dense', params: { units: Number(c.units), activation: activationOf(c), useBias: c.use_bias !== false } }),
  Conv2D: (c) => {
    if (square(c.dilation_rate ?? 1) !== 1) return 'dilated convolutions'
    if (c.data_format === 'channels_first') return 'channels-first layout'
    return { type: 'Conv2D', params: { filters: Number(c.filters), kernelSize: square(c.kernel_size), strides: square(c.strides ?? 1), padding: String(c.padding ?? 'valid'), activation: activationOf(c), useBias: c.use_bias !== false } }
  },
  DepthwiseConv2D: (c) => {
    if (square(c.dilation_rate ?? 1) !== 1) return 'dilated convolutions'
    if (c.data_format === 'channels_first') return 'channels-first layout'
    return { type: 'DepthwiseConv2D', params: { kernelSize: square(c.kernel_size), strides: square(c.strides ?? 1), padding: String(c.padding ?? 'valid'), depthMultiplier: Number(c.depth_multiplier ?? 1), activation: activationOf(c), useBias: c.use_bias !== false } }
  },
  ZeroPadding2D: (c) => {
    if (c.data_format === 'channels_first') return 'channels-first layout'
    const sides = zeroPaddingSides(c.padding ?? 1)
    return sides ? { type: 'ZeroPadding2D', params: { padTop: sides[0], padBottom: sides[1], padLeft: sides[2], padRight: sides[3] } } : 'padding written in a form Strata does not read'
  },
  ReLU: (c) => {
    if (Number(c.negative_slope ?? 0) !== 0 || Number(c.threshold ?? 0) !== 0) return 'a leaky or thresholded ReLU (only plain ReLU and ReLU capped at 6 are supported)'
    const max = c.max_value ?? null
    if (max === null) return { type: 'Activation', params: { activation: 'relu' } }
    return Number(max) === 6 ? { type: 'Activation', params: { activation: 'relu6' } } : `a ReLU capped at ${String(max)} (only 6 is supported)`
  },
  MaxPooling2D: (c) => pool('MaxPooling2D', c),
  AveragePooling2D: (c) => pool('AveragePooling2D', c),
  GlobalAveragePooling2D: () => ({ type: 'GlobalAveragePooling2D', params: {} }),
  GlobalMaxPooling2D: () => ({ type: 'GlobalMaxPooling2D', params: {} }),
  Flatten: () => ({ type: 'Flatten', params: {} }),
  Dropout: (c) => ({ type: 'Dropout', params: { rate: Number(c.rate) } }),
  Activation: (c) => ({ type: 'Activation', params: { activation: activationOf(c) } }),
  BatchNormalization: (c) => {
    const axis = Array.isArray(c.axis) ? c.axis[0] : c.axis
    if (axis !== undefined && axis !== -1 && axis !== 3) return 'normalisation over an axis other than the channels'
    if (c.center === false || c.scale === false) return 'normalisation without centre or scale'
    return { type: 'BatchNormalization', params: { momentum: Number(c.momentum ?? 0.99), epsilon: Number(c.epsilon ?? 0.001) } }
  },
  Rescaling: (c) => ({ type: 'Rescaling', params: { scale: Number(c.scale), offset: Number(c.offset ?? 0) } }),
  Add: () => ({ type: 'Add', params: {} }),
  Concatenate: (c) => (c.axis === undefined || c.axis === -1 ? { type: 'Concatenate', params: {} } : 'joining along an axis other than the last')
}

/** Keras ZeroPadding2D's `padding` (n, [rows, cols] or [[top, bottom], [left, right]]) as [top, bottom, left, right]; null when unreadable. */
function zeroPaddingSides(p: unknown): [number, number, number, number] | null {
  const sides: unknown[] = typeof p === 'number' ? [p, p, p, p] : Array.isArray(p) && p.length === 2 ? p.flatMap((a) => (Array.isArray(a) ? (a.length === 2 ? a : [NaN, NaN]) : [a, a])) : []
  return sides.length === 4 && sides.every((d) => Number.isInteger(d) && (d as number) >= 0) ? (sides as [number, number, number, number]) : null
}

function pool(type: 'MaxPooling2D' | 'AveragePooling2D', c: KerasConfig): { type: LayerType; params: Record<string, ParamValue> } | string {
  const size = square(c.pool_size ?? 2)
  const strides = c.strides === null || c.strides === undefined ? size : square(c.strides)
  if (strides !== size) return 'pooling windows that overlap or leave gaps (strides ≠ pool size)'
  return { type, params: { poolSize: size, padding: String(c.padding ?? 'valid') } }
}

/** Letters, digits, `_` and `-` only, so the name can be part of a node id. */
function safeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_-]/g, '_')
  return /^[A-Za-z]/.test(cleaned) ? cleaned : `l${cleaned}`
}

function inboundNames(layer: KerasLayer): string[] {
  const nodes = layer.inbound_nodes ?? []
  const first = nodes[0]
  if (!first) return []
  // Keras 2 writes [[name, nodeIndex, tensorIndex, kwargs], ...]; Keras 3 writes {args: [{config: {keras_history: [name, …]}}]}.
  if (Array.isArray(first)) return first.map((entry) => String((entry as unknown[])[0]))
  const args = (first as { args?: unknown[] }).args ?? []
  const flat = args.flatMap((a) => (Array.isArray(a) ? a : [a])) as Array<{ config?: { keras_history?: unknown[] } }>
  return flat.map((a) => String(a.config?.keras_history?.[0] ?? ''))
}

function shapeFromConfig(config: KerasConfig): Shape | null {
  const batchShape = (config.batch_input_shape ?? config.batch_shape) as unknown
  if (!Array.isArray(batchShape) || batchShape.length < 2) return null
  const dims = batchShape.slice(1)
  return dims.every((d) => typeof d === 'number' && d > 0) ? (dims as number[]) : null
}

/**
 * Reads a TF.js layers model's topology (the `modelTopology` of its model.json: a Sequential or functional Keras
 * model) into catalog layers with their shapes and sizes, or lists each layer Strata cannot build and why.
 */
export function readBaseTopology(topology: unknown): BaseReading {
  const top = topology as { class_name?: string; config?: { layers?: KerasLayer[]; output_layers?: unknown[] } | KerasLayer[] } | undefined
  const rawLayers = Array.isArray(top?.config) ? top.config : top?.config?.layers
  if (!top || !Array.isArray(rawLayers) || rawLayers.length === 0) {
    return { ok: false, problems: [{ layer: '', className: String(top?.class_name ?? ''), reason: 'no layers were found in model.json' }] }
  }
  const sequential = top.class_name === 'Sequential'
  const problems: BaseLayerProblem[] = []
  const names = new Map<string, string>()
  let inputShape: Shape | null = null
  const layers: BaseLayer[] = []
  const shapes = new Map<string, Shape>()
  let previous = BASE_INPUT
  for (const raw of rawLayers) {
    const source = String(raw.config?.name ?? raw.name ?? '')
    if (raw.class_name === 'InputLayer') {
      inputShape = shapeFromConfig(raw.config)
      names.set(source, BASE_INPUT)
      continue
    }
    if (!inputShape && sequential) inputShape = shapeFromConfig(raw.config)
    const convert = CONVERTERS[raw.class_name]
    const converted = convert ? convert(raw.config ?? {}) : 'a layer type Strata cannot build'
    if (typeof converted === 'string') {
      problems.push({ layer: source, className: raw.class_name, reason: converted })
      continue
    }
    const def = layerDef(converted.type)
    const params = resolveParams(converted.type, converted.params)
    const bad = Object.entries(def.params).find(([key, pdef]) => checkParam(pdef, params[key]))
    if (bad) {
      problems.push({ layer: source, className: raw.class_name, reason: `its ${bad[0]} (${JSON.stringify(params[bad[0]])}) is outside what Strata supports` })
      continue
    }
    let name = safeName(source)
    while ([...names.values()].includes(name)) name = `${name}_`
    names.set(source, name)
    const inputs = sequential ? [previous] : inboundNames(raw).map((n) => names.get(n) ?? n)
    previous = name
    layers.push({ name, source, type: converted.type, params, inputs, outputShape: [], paramCount: 0, flops: 0 })
  }
  if (!inputShape) problems.push({ layer: '', className: 'InputLayer', reason: 'the input shape is not recorded in model.json' })
  if (problems.length) return { ok: false, problems }
  shapes.set(BASE_INPUT, inputShape!)
  for (const layer of layers) {
    const inShapes = layer.inputs.map((n) => shapes.get(n))
    if (inShapes.length === 0 || inShapes.some((s) => !s)) {
      problems.push({ layer: layer.source, className: layer.type, reason: 'it reads from a layer that comes later or does not exist' })
      continue
    }
    const def = layerDef(layer.type)
    const result = def.shape(inShapes as Shape[], layer.params)
    if ('complaint' in result) {
      problems.push({ layer: layer.source, className: layer.type, reason: `its shapes do not fit (${result.complaint.code})` })
      continue
    }
    layer.outputShape = result.shape
    layer.paramCount = def.paramCount(inShapes as Shape[], layer.params, result.shape)
    layer.flops = def.flops(inShapes as Shape[], layer.params, result.shape)
    shapes.set(layer.name, result.shape)
  }
  if (problems.length) return { ok: false, problems }
  return { ok: true, info: { inputShape: inputShape!, layers, defaultCut: defaultCut(layers) } }
}

/** The layer feeding the base's last Dense (its classifier), or the last layer when it has none. */
function defaultCut(layers: BaseLayer[]): string {
  let i = layers.length - 1
  if (layers[i].type === 'Activation' || layers[i].type === 'Dropout') i--
  if (i > 0 && layers[i].type === 'Dense') {
    let j = i - 1
    while (j > 0 && layers[j].type === 'Dropout') j--
    return layers[j].name
  }
  return layers[layers.length - 1].name
}

/** The layers a cut keeps: the cut layer and everything it reads from, in base order. Null when the cut names no layer. */
export function layersUpTo(info: BaseInfo, cut: string): BaseLayer[] | null {
  const byName = new Map(info.layers.map((l) => [l.name, l]))
  if (!byName.has(cut)) return null
  const keep = new Set<string>()
  const stack = [cut]
  while (stack.length) {
    const name = stack.pop()!
    if (keep.has(name) || name === BASE_INPUT) continue
    keep.add(name)
    stack.push(...byName.get(name)!.inputs)
  }
  return info.layers.filter((l) => keep.has(l.name))
}

/** The cut a PretrainedBase node asks for (its `cutAt`, else the base's default). */
export function cutOf(info: BaseInfo, params: Readonly<Record<string, ParamValue>>): string {
  return typeof params.cutAt === 'string' && params.cutAt ? params.cutAt : info.defaultCut
}

/** Which kept layers train: the last `unfreeze` layers that have weights; the rest stay as the base learnt them. */
export function trainableLayers(kept: BaseLayer[], unfreeze: number): Set<string> {
  const weighted = kept.filter((l) => l.paramCount > 0)
  return new Set(weighted.slice(weighted.length - Math.min(unfreeze, weighted.length)).map((l) => l.name))
}

/** What a PretrainedBase node comes to: output shape, sizes, and how many of its weights are frozen. */
export interface BaseSummary {
  outputShape: Shape
  params: number
  frozenParams: number
  flops: number
}

/** Sizes of a base cut and (un)frozen as a node's parameters say; null when the cut names no layer. */
export function summarizeBase(info: BaseInfo, params: Readonly<Record<string, ParamValue>>): BaseSummary | null {
  const kept = layersUpTo(info, cutOf(info, params))
  if (!kept) return null
  const training = trainableLayers(kept, Number(params.unfreeze ?? 0))
  const sum = (ls: BaseLayer[], f: (l: BaseLayer) => number) => ls.reduce((n, l) => n + f(l), 0)
  return {
    outputShape: [...kept[kept.length - 1].outputShape],
    params: sum(kept, (l) => l.paramCount),
    frozenParams: sum(kept.filter((l) => !training.has(l.name)), (l) => l.paramCount),
    flops: sum(kept, (l) => l.flops)
  }
}

/** A spec with its bases written out as plain layers, and what the compiler needs to fill and freeze them. */
export interface ExpandedSpec {
  spec: ModelSpec
  /** Node ids whose weights stay fixed while training. */
  frozen: string[]
  /** Node id → the base and layer its starting weights come from. */
  origins: Record<string, { baseId: string; layer: string }>
  /** Per PretrainedBase node: the node id of its cut layer (the base's output). */
  outputs: Record<string, string>
}

/** The node id of a base layer inlined for PretrainedBase node `nodeId`. */
export function inlinedId(nodeId: string, layer: string): string {
  return `${nodeId}__${layer}`.slice(0, 64)
}

/**
 * Replaces every PretrainedBase node by the base's layers up to its cut (ids `<node>__<layer>`), wired to the
 * node's input and outputs. Throws when a node names a base not in `bases` or a cut the base lacks: the caller
 * analysed the spec first and reports those as problems.
 */
export function expandBases(spec: ModelSpec, bases: Readonly<Record<string, BaseInfo>>): ExpandedSpec {
  const nodes: LayerNode[] = []
  let edges: Edge[] = [...spec.edges]
  const out: ExpandedSpec = { spec, frozen: [], origins: {}, outputs: {} }
  for (const node of spec.nodes) {
    if (node.type !== 'PretrainedBase') {
      nodes.push(node)
      continue
    }
    const info = bases[String(node.params.base ?? '')]
    const kept = info ? layersUpTo(info, cutOf(info, node.params)) : null
    if (!info || !kept) throw new Error(`PretrainedBase "${node.id}" names no imported base or cut`)
    const training = trainableLayers(kept, Number(node.params.unfreeze ?? 0))
    const source = spec.edges.find((e) => e.target === node.id)?.source
    kept.forEach((layer, i) => {
      const id = inlinedId(node.id, layer.name)
      nodes.push({ id, type: layer.type, params: { ...layer.params }, position: { x: node.position.x, y: node.position.y + i } })
      out.origins[id] = { baseId: info.id, layer: layer.source }
      if (layer.paramCount > 0 && !training.has(layer.name)) out.frozen.push(id)
      layer.inputs.forEach((input, k) => {
        const from = input === BASE_INPUT ? source : inlinedId(node.id, input)
        if (from) edges.push({ id: `${id}__in${k}`.slice(0, 64), source: from, target: id })
      })
    })
    const last = inlinedId(node.id, kept[kept.length - 1].name)
    out.outputs[node.id] = last
    edges = edges.filter((e) => e.target !== node.id).map((e) => (e.source === node.id ? { ...e, source: last } : e))
  }
  out.spec = { ...spec, nodes, edges }
  return out
}

/** True when a spec uses a pretrained base. */
export function usesBase(spec: ModelSpec): boolean {
  return spec.nodes.some((n) => n.type === 'PretrainedBase')
}

/** Ids of the bases a spec names. */
export function baseIdsOf(spec: ModelSpec): string[] {
  return [...new Set(spec.nodes.filter((n) => n.type === 'PretrainedBase' && n.params.base).map((n) => String(n.params.base)))]
}

