/**
 * Pretrained bases: a TF.js layers model imported into a project, described here as catalog layers so shape
 * inference, the compiler and every exporter can treat its layers like any other (no TensorFlow.js needed).
 */
import { checkParam, layerDef, resolveParams, type LayerType, type ParamValue, type Shape } from './catalog'
import { readKerasLayer, type KerasConfigIn } from './keras-layers'
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

interface KerasLayer {
  class_name: string
  name?: string
  config: KerasConfigIn
  inbound_nodes?: unknown[]
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

function shapeFromConfig(config: KerasConfigIn): Shape | null {
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
    const converted = readKerasLayer(raw.class_name, raw.config ?? {}) ?? 'a layer type Strata cannot build'
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

