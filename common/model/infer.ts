import {
  checkParam,
  formatShape,
  isLayerType,
  layerDef,
  resolveParams,
  type LayerType,
  type ParamValue,
  type Shape,
  type ShapeComplaint
} from './catalog'
import { cutOf, summarizeBase, type BaseInfo } from './bases'
import { connect, freshId, graphIds, insertOnEdge, type ModelChange } from './changes'
import type { LayerNode, ModelSpec, TaskKind } from './spec'
import { TASK_HEADS, outputUnitsFor } from './task'

/**
 * Every problem validation can report. Each has a plain-language message under `build.problems.<code>`
 * and, when it comes with a one-click fix, a button label under `build.fixes.<code>`.
 */
export const PROBLEM_CODES = [
  'noInput',
  'multipleInputs',
  'inputHasInputs',
  'noOutput',
  'multipleOutputs',
  'cycle',
  'disconnected',
  'unknownLayer',
  'badParam',
  'tooManyInputs',
  'mergeNeedsTwo',
  'rankMismatch',
  'needsFlatten',
  'kernelTooLarge',
  'mergeShapeMismatch',
  'reshapeSize',
  'badShape',
  'outputUnits',
  'outputActivation',
  'taskMismatch',
  'inputShapeDataset',
  'baseMissing',
  'baseUnknown',
  'baseCut',
  'baseInputShape'
] as const
export type ProblemCode = (typeof PROBLEM_CODES)[number]

/** A problem with a model, in a form any language can render. */
export interface Problem {
  code: ProblemCode
  severity: 'error' | 'warning'
  nodeId?: string
  /** Message parameters; `hint` and `task` name other message keys (`build.hints.*`, `build.tasks.*`). */
  params: Record<string, string | number>
  /** The change that fixes it in one click, where the fix is obvious. */
  fix?: ModelChange
}

/** What inference knows about one node. */
export interface NodeInfo {
  id: string
  type: string
  inputShapes: Shape[]
  /** Null when it cannot be computed (an upstream or own problem). */
  outputShape: Shape | null
  params: number
  /** Of `params`, the weights that stay fixed while training (a frozen pretrained base). */
  frozenParams?: number
  flops: number
}

/** What the dataset says the model should look like (see the task decision in common/data/task.ts). */
export interface DatasetFit {
  inputShape?: Shape
  classes?: number
  /** The task the dataset's target asks for. */
  task?: TaskKind
  /** Every head that can learn the target (two classes: binary or a two-class softmax); `[task]` when left out. */
  accepts?: TaskKind[]
}

/** What analysis knows beyond the spec: the dataset's facts and the project's imported bases by id. */
export interface AnalyzeOptions extends DatasetFit {
  bases?: Readonly<Record<string, BaseInfo>>
}

/** Everything the builder shows about a model: shapes, sizes, cost and problems. */
export interface ModelAnalysis {
  nodes: Record<string, NodeInfo>
  /** Node ids in an order where every node comes after its inputs (nodes in cycles are left out). */
  order: string[]
  inputId?: string
  outputId?: string
  /** The shape flowing along each edge (its source's output), or null. */
  edgeShapes: Record<string, Shape | null>
  totalParams: number
  /** Of `totalParams`, the weights that stay fixed while training. */
  frozenParams: number
  /** Weights at 32-bit floats. */
  sizeBytes: number
  /** Approximate floating point operations to train on one sample (forward + backward ≈ 3× forward). */
  trainingFlops: number
  problems: Problem[]
  /** True when there is no error (warnings allowed): the model can be compiled. */
  valid: boolean
}

/** Incoming edges of each node, in edge order. */
function incomingEdges(spec: ModelSpec): Map<string, ModelSpec['edges']> {
  const map = new Map<string, ModelSpec['edges']>(spec.nodes.map((n) => [n.id, []]))
  for (const e of spec.edges) map.get(e.target)?.push(e)
  return map
}

/** Node ids in dependency order (Kahn's algorithm, ties broken by spec order); nodes on cycles are missing. */
export function topologicalOrder(spec: ModelSpec): string[] {
  const indegree = new Map(spec.nodes.map((n) => [n.id, 0]))
  for (const e of spec.edges) if (indegree.has(e.target) && indegree.has(e.source)) indegree.set(e.target, indegree.get(e.target)! + 1)
  const order: string[] = []
  const ready = spec.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id)
  const rank = new Map(spec.nodes.map((n, i) => [n.id, i]))
  while (ready.length) {
    ready.sort((a, b) => rank.get(a)! - rank.get(b)!)
    const id = ready.shift()!
    order.push(id)
    for (const e of spec.edges) {
      if (e.source !== id || !indegree.has(e.target)) continue
      const d = indegree.get(e.target)! - 1
      indegree.set(e.target, d)
      if (d === 0) ready.push(e.target)
    }
  }
  return order
}

function midpoint(a: LayerNode | undefined, b: LayerNode | undefined): { x: number; y: number } {
  if (!a || !b) return { x: 0, y: 0 }
  return { x: Math.round((a.position.x + b.position.x) / 2), y: Math.round((a.position.y + b.position.y) / 2) }
}

/** Finds the one-click fix for a shape complaint, where one is obvious. */
function fixFor(spec: ModelSpec, node: LayerNode, complaint: ShapeComplaint, inputs: Shape[], incoming: ModelSpec['edges']): ModelChange | undefined {
  const byId = (id: string) => spec.nodes.find((n) => n.id === id)
  const edge = incoming[0]
  if (!edge) return undefined
  const source = byId(edge.source)
  const position = midpoint(source, node)
  switch (complaint.code) {
    case 'needsFlatten':
      return insertOnEdge(spec, edge.id, { type: 'Flatten', params: {}, position })
    case 'rankMismatch': {
      const expected = Number(complaint.params?.expected)
      const shape = inputs[0]
      // A recurrent layer that gives only its last state can give the whole sequence instead.
      if (expected === 2 && source && isLayerType(source.type) && 'returnSequences' in layerDef(source.type).params && shape.length === 1) {
        return { kind: 'setParam', id: source.id, param: 'returnSequences', value: true }
      }
      if (expected === shape.length + 1) {
        return insertOnEdge(spec, edge.id, { type: 'Reshape', params: { targetShape: [...shape, 1] }, position })
      }
      return undefined
    }
    case 'kernelTooLarge': {
      const params = resolveParams(node.type as LayerType, node.params)
      return params.padding === 'valid' ? { kind: 'setParam', id: node.id, param: 'padding', value: 'same' } : undefined
    }
    default:
      return undefined
  }
}

function outputActivation(node: LayerNode): string {
  if (node.type !== 'Dense' && node.type !== 'Activation') return 'linear'
  return String(resolveParams(node.type, node.params).activation)
}

/** Fills a PretrainedBase node's shape and sizes from its imported base, or says what stops it. */
function inferBase(info: NodeInfo, params: Record<string, ParamValue>, bases: AnalyzeOptions['bases']): Omit<Problem, 'nodeId'> | null {
  const id = String(params.base)
  if (!id) return { code: 'baseMissing', severity: 'error', params: {} }
  const base = bases?.[id]
  if (!base) return { code: 'baseUnknown', severity: 'error', params: { base: id } }
  const summary = summarizeBase(base, params)
  if (!summary) return { code: 'baseCut', severity: 'error', params: { base: base.name, layer: cutOf(base, params) } }
  if (formatShape(info.inputShapes[0]) !== formatShape(base.inputShape)) {
    return { code: 'baseInputShape', severity: 'error', params: { base: base.name, shape: formatShape(info.inputShapes[0]), expected: formatShape(base.inputShape) } }
  }
  info.outputShape = summary.outputShape
  info.params = summary.params
  info.frozenParams = summary.frozenParams
  info.flops = summary.flops
  return null
}

/**
 * Infers every node's output shape, parameter count and cost, and lists the model's problems in a form
 * the message table turns into plain language. Pure and fast enough to run on every edit.
 */
export function analyzeModel(spec: ModelSpec, fit: AnalyzeOptions = {}): ModelAnalysis {
  const problems: Problem[] = []
  const nodes: Record<string, NodeInfo> = {}
  const edgeShapes: Record<string, Shape | null> = {}
  const byId = new Map(spec.nodes.map((n) => [n.id, n]))
  const incoming = incomingEdges(spec)
  const outgoing = new Map<string, number>(spec.nodes.map((n) => [n.id, 0]))
  for (const e of spec.edges) outgoing.set(e.source, (outgoing.get(e.source) ?? 0) + 1)

  const order = topologicalOrder(spec)
  const onCycle = spec.nodes.filter((n) => !order.includes(n.id))
  if (onCycle.length) {
    problems.push({ code: 'cycle', severity: 'error', nodeId: onCycle[0].id, params: { layers: onCycle.map((n) => n.id).join(', ') } })
  }

  const inputs = spec.nodes.filter((n) => n.type === 'Input')
  if (inputs.length === 0) {
    const firstRoot = spec.nodes.find((n) => (incoming.get(n.id) ?? []).length === 0)
    const ids = graphIds(spec)
    const id = freshId('input', ids)
    const shape = fit.inputShape ?? [28, 28, 1]
    const top = spec.nodes.reduce((m, n) => Math.min(m, n.position.y), Infinity)
    const node: LayerNode = { id, type: 'Input', params: { shape }, position: { x: firstRoot?.position.x ?? 0, y: Number.isFinite(top) ? top - 100 : 0 } }
    const withInput: ModelSpec = { ...spec, nodes: [...spec.nodes, node] }
    const changes: ModelChange[] = [{ kind: 'addNode', node }]
    if (firstRoot) changes.push(connect(withInput, id, firstRoot.id))
    problems.push({ code: 'noInput', severity: 'error', params: {}, fix: { kind: 'batch', changes } })
  } else if (inputs.length > 1) {
    problems.push({ code: 'multipleInputs', severity: 'error', nodeId: inputs[1].id, params: { count: inputs.length } })
  }

  for (const id of order) {
    const node = byId.get(id)!
    const edgesIn = incoming.get(id) ?? []
    const info: NodeInfo = { id, type: node.type, inputShapes: [], outputShape: null, params: 0, flops: 0 }
    nodes[id] = info
    if (!isLayerType(node.type)) {
      problems.push({ code: 'unknownLayer', severity: 'error', nodeId: id, params: { layer: node.type }, fix: { kind: 'removeNode', id } })
      continue
    }
    const def = layerDef(node.type)
    const params = resolveParams(node.type, node.params)
    let paramsOk = true
    for (const [name, pdef] of Object.entries(def.params)) {
      const bad = checkParam(pdef, params[name] as ParamValue)
      if (!bad) continue
      paramsOk = false
      problems.push({
        code: 'badParam',
        severity: 'error',
        nodeId: id,
        params: { layer: node.type, param: name, value: JSON.stringify(params[name]), allowed: bad.reason === 'range' ? `${bad.min} – ${bad.max}` : pdef.kind === 'enum' ? pdef.options.join(', ') : pdef.kind },
        fix: { kind: 'setParam', id, param: name, value: undefined }
      })
    }
    if (def.inputs === 0 && edgesIn.length) {
      problems.push({ code: 'inputHasInputs', severity: 'error', nodeId: id, params: { layer: node.type }, fix: { kind: 'batch', changes: edgesIn.map((e) => ({ kind: 'removeEdge', id: e.id })) } })
    }
    if (def.inputs === 1 && edgesIn.length > 1) {
      problems.push({ code: 'tooManyInputs', severity: 'error', nodeId: id, params: { layer: node.type, count: edgesIn.length } })
      continue
    }
    if (def.inputs === 'many' && edgesIn.length === 1) {
      problems.push({ code: 'mergeNeedsTwo', severity: 'error', nodeId: id, params: { layer: node.type } })
      continue
    }
    if (def.inputs !== 0 && edgesIn.length === 0) continue // reported as disconnected below
    const inShapes = def.inputs === 0 ? [] : edgesIn.map((e) => nodes[e.source]?.outputShape ?? null)
    if (!paramsOk || inShapes.some((s) => s === null)) continue
    info.inputShapes = inShapes as Shape[]
    if (node.type === 'PretrainedBase') {
      const problem = inferBase(info, params, fit.bases)
      if (problem) problems.push({ ...problem, nodeId: id })
      continue
    }
    const result = def.shape(info.inputShapes, params)
    if ('complaint' in result) {
      problems.push({
        code: result.complaint.code,
        severity: 'error',
        nodeId: id,
        params: { layer: node.type, ...(result.complaint.params ?? {}) },
        fix: fixFor(spec, node, result.complaint, info.inputShapes, edgesIn)
      })
      continue
    }
    info.outputShape = result.shape
    info.params = def.paramCount(info.inputShapes, params, result.shape)
    info.flops = def.flops(info.inputShapes, params, result.shape)
  }

  for (const e of spec.edges) edgeShapes[e.id] = nodes[e.source]?.outputShape ?? null

  // Reachability from the input: anything else is not part of the model.
  const inputId = inputs.length === 1 ? inputs[0].id : undefined
  const reachable = new Set<string>()
  if (inputs.length) {
    const stack = inputs.map((n) => n.id)
    while (stack.length) {
      const id = stack.pop()!
      if (reachable.has(id)) continue
      reachable.add(id)
      for (const e of spec.edges) if (e.source === id) stack.push(e.target)
    }
    for (const node of spec.nodes) {
      if (reachable.has(node.id)) continue
      problems.push({ code: 'disconnected', severity: 'error', nodeId: node.id, params: { layer: node.type }, fix: { kind: 'removeNode', id: node.id } })
    }
  }

  const sinks = spec.nodes.filter((n) => reachable.has(n.id) && n.type !== 'Input' && (outgoing.get(n.id) ?? 0) === 0)
  let outputId: string | undefined
  if (inputs.length && sinks.length === 0) {
    problems.push({ code: 'noOutput', severity: 'error', nodeId: inputId, params: {} })
  } else if (sinks.length > 1) {
    problems.push({ code: 'multipleOutputs', severity: 'error', nodeId: sinks[1].id, params: { count: sinks.length, layers: sinks.map((n) => n.id).join(', ') } })
  } else if (sinks.length === 1) {
    outputId = sinks[0].id
  }

  const declared = spec.task?.kind
  const output = outputId ? byId.get(outputId) : undefined
  const outShape = outputId ? nodes[outputId]?.outputShape : null
  // A head the dataset's target cannot train (a regressor on classes, a classifier on numbers) is one problem, fixed by fitting the head.
  const mismatch = fit.task !== undefined && declared !== undefined && !(fit.accepts ?? [fit.task]).includes(declared)
  if (mismatch && fit.task) {
    const task = fit.task
    const head = TASK_HEADS[task]
    const units = outputUnitsFor({ kind: task, classes: fit.classes }) ?? 1
    const changes: ModelChange[] = [{ kind: 'setTask', task: { kind: task, ...(task === 'classification' && fit.classes ? { classes: fit.classes } : {}) } }]
    if (output?.type === 'Dense') changes.push({ kind: 'setParam', id: output.id, param: 'units', value: units }, { kind: 'setParam', id: output.id, param: 'activation', value: head.activation })
    problems.push({
      code: 'taskMismatch',
      severity: 'error',
      nodeId: output?.id,
      params: { head: declared, task, classes: fit.classes ?? 0 },
      fix: { kind: 'batch', changes }
    })
  }
  const taskKind = mismatch ? undefined : (declared ?? fit.task)
  if (taskKind && output && outShape) {
    const head = TASK_HEADS[taskKind]
    // The dataset's number of classes is the truth once there is one; the spec's own number stands in until then.
    const needed = outputUnitsFor({ kind: taskKind, classes: fit.classes ?? spec.task?.classes, outputs: spec.task?.outputs })
    const units = outShape[outShape.length - 1]
    if (needed !== undefined && (outShape.length !== 1 || units !== needed)) {
      problems.push({
        code: 'outputUnits',
        severity: 'error',
        nodeId: output.id,
        params: { layer: output.type, units, needed, task: taskKind },
        fix: output.type === 'Dense' && outShape.length === 1 ? { kind: 'setParam', id: output.id, param: 'units', value: needed } : undefined
      })
    }
    const actual = outputActivation(output)
    if (actual !== head.activation) {
      problems.push({
        code: 'outputActivation',
        severity: taskKind === 'regression' ? 'warning' : 'error',
        nodeId: output.id,
        params: { layer: output.type, actual, expected: head.activation, task: taskKind, loss: head.loss.keras },
        fix: output.type === 'Dense' || output.type === 'Activation' ? { kind: 'setParam', id: output.id, param: 'activation', value: head.activation } : undefined
      })
    }
  }

  if (fit.inputShape && inputId) {
    const declared = nodes[inputId]?.outputShape
    if (declared && formatShape(declared) !== formatShape(fit.inputShape)) {
      problems.push({
        code: 'inputShapeDataset',
        severity: 'warning',
        nodeId: inputId,
        params: { shape: formatShape(declared), dataset: formatShape(fit.inputShape) },
        fix: { kind: 'setParam', id: inputId, param: 'shape', value: [...fit.inputShape] }
      })
    }
  }

  let totalParams = 0
  let frozenParams = 0
  let flops = 0
  for (const id of Object.keys(nodes)) {
    if (inputs.length && !reachable.has(id)) continue
    totalParams += nodes[id].params
    frozenParams += nodes[id].frozenParams ?? 0
    flops += nodes[id].flops
  }
  return {
    nodes,
    order,
    inputId,
    outputId,
    edgeShapes,
    totalParams,
    frozenParams,
    sizeBytes: totalParams * 4,
    trainingFlops: 3 * flops,
    problems,
    valid: !problems.some((p) => p.severity === 'error')
  }
}

/** A problem as text in one language, given a translate function over the shared message table. */
export function problemText(t: (key: string, params?: Record<string, string | number>) => string, problem: Problem): string {
  const params: Record<string, string | number> = { ...problem.params }
  if (typeof params.hint === 'string') params.hint = t(`build.hints.${params.hint}`)
  if (typeof params.task === 'string') params.task = t(`build.tasks.${params.task}`)
  if (typeof params.head === 'string') params.head = t(`build.tasks.${params.head}`)
  return t(`build.problems.${problem.code}`, params)
}

/** Human-scale numbers: `225,034`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** Bytes as KB/MB/GB with one decimal. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`
}

/** FLOPs as K/M/G/T with one decimal. */
export function formatFlops(flops: number): string {
  const units = ['', 'K', 'M', 'G', 'T']
  let value = flops
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}FLOPs`
}
