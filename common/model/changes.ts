import type { ParamValue } from './catalog'
import type { Edge, LayerNode, ModelSpec, Task } from './spec'

/** One edit of a model graph. Every edit the builder makes is one of these, applied by {@link applyChange}. */
export type ModelChange =
  | { kind: 'addNode'; node: LayerNode }
  | { kind: 'removeNode'; id: string }
  | { kind: 'moveNode'; id: string; position: { x: number; y: number } }
  | { kind: 'setParam'; id: string; param: string; value: ParamValue | undefined }
  | { kind: 'addEdge'; edge: Edge }
  | { kind: 'removeEdge'; id: string }
  | { kind: 'setTask'; task: Task | undefined }
  | { kind: 'setName'; name: string | undefined }
  | { kind: 'replaceSpec'; spec: ModelSpec }
  | { kind: 'batch'; changes: ModelChange[] }

/** The spec after a change, and the change that undoes it. */
export interface Applied {
  spec: ModelSpec
  inverse: ModelChange
}

const clone = <T>(v: T): T => structuredClone(v)

/**
 * Applies one change to a spec without mutating it and returns the new spec with the change's inverse
 * (applying the inverse restores the spec exactly). Changes that refer to missing nodes or edges are no-ops.
 */
export function applyChange(spec: ModelSpec, change: ModelChange): Applied {
  const noop: Applied = { spec, inverse: { kind: 'batch', changes: [] } }
  switch (change.kind) {
    case 'addNode': {
      if (spec.nodes.some((n) => n.id === change.node.id)) return noop
      return { spec: { ...spec, nodes: [...spec.nodes, clone(change.node)] }, inverse: { kind: 'removeNode', id: change.node.id } }
    }
    case 'removeNode': {
      const index = spec.nodes.findIndex((n) => n.id === change.id)
      if (index < 0) return noop
      const touching = spec.edges.filter((e) => e.source === change.id || e.target === change.id)
      return {
        spec: { ...spec, nodes: spec.nodes.filter((n) => n.id !== change.id), edges: spec.edges.filter((e) => !touching.includes(e)) },
        // Restore the node at its old index and its edges in their old order, so undo gives back the same document.
        inverse: { kind: 'replaceSpec', spec }
      }
    }
    case 'moveNode': {
      const node = spec.nodes.find((n) => n.id === change.id)
      if (!node) return noop
      return {
        spec: { ...spec, nodes: spec.nodes.map((n) => (n.id === change.id ? { ...n, position: { ...change.position } } : n)) },
        inverse: { kind: 'moveNode', id: change.id, position: { ...node.position } }
      }
    }
    case 'setParam': {
      const node = spec.nodes.find((n) => n.id === change.id)
      if (!node) return noop
      const params = { ...node.params }
      if (change.value === undefined) delete params[change.param]
      else params[change.param] = clone(change.value)
      return {
        spec: { ...spec, nodes: spec.nodes.map((n) => (n.id === change.id ? { ...n, params } : n)) },
        inverse: { kind: 'setParam', id: change.id, param: change.param, value: node.params[change.param] }
      }
    }
    case 'addEdge': {
      const { edge } = change
      const duplicate = spec.edges.some((e) => e.id === edge.id || (e.source === edge.source && e.target === edge.target))
      const known = spec.nodes.some((n) => n.id === edge.source) && spec.nodes.some((n) => n.id === edge.target)
      if (duplicate || !known || edge.source === edge.target) return noop
      return { spec: { ...spec, edges: [...spec.edges, { ...edge }] }, inverse: { kind: 'removeEdge', id: edge.id } }
    }
    case 'removeEdge': {
      const edge = spec.edges.find((e) => e.id === change.id)
      if (!edge) return noop
      return { spec: { ...spec, edges: spec.edges.filter((e) => e.id !== change.id) }, inverse: { kind: 'replaceSpec', spec } }
    }
    case 'setTask': {
      const next: ModelSpec = { ...spec }
      if (change.task) next.task = { ...change.task }
      else delete next.task
      return { spec: next, inverse: { kind: 'setTask', task: spec.task } }
    }
    case 'setName': {
      const next: ModelSpec = { ...spec }
      if (change.name !== undefined) next.name = change.name
      else delete next.name
      return { spec: next, inverse: { kind: 'setName', name: spec.name } }
    }
    case 'replaceSpec':
      return { spec: clone(change.spec), inverse: { kind: 'replaceSpec', spec } }
    case 'batch': {
      let current = spec
      const inverses: ModelChange[] = []
      for (const c of change.changes) {
        const applied = applyChange(current, c)
        current = applied.spec
        inverses.unshift(applied.inverse)
      }
      return { spec: current, inverse: { kind: 'batch', changes: inverses } }
    }
  }
}

/** A fresh id for a new node or edge: `<prefix>_<n>` with the smallest n not yet used. */
export function freshId(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken)
  const base = prefix.replace(/[^A-Za-z0-9]/g, '').replace(/^([^A-Za-z])/, 'n$1').toLowerCase() || 'node'
  for (let i = 1; ; i++) {
    const id = `${base}_${i}`
    if (!used.has(id)) return id
  }
}

/** Ids of every node and edge in a spec. */
export function graphIds(spec: ModelSpec): string[] {
  return [...spec.nodes.map((n) => n.id), ...spec.edges.map((e) => e.id)]
}

/** A change that connects `source` to `target` with a fresh edge id. */
export function connect(spec: ModelSpec, source: string, target: string): ModelChange {
  return { kind: 'addEdge', edge: { id: freshId('e', graphIds(spec)), source, target } }
}

/** A change that puts a new layer between the two ends of an edge. */
export function insertOnEdge(spec: ModelSpec, edgeId: string, node: Omit<LayerNode, 'id'> & { id?: string }): ModelChange {
  const edge = spec.edges.find((e) => e.id === edgeId)
  if (!edge) return { kind: 'batch', changes: [] }
  const ids = graphIds(spec)
  const id = node.id ?? freshId(node.type, ids)
  ids.push(id)
  const first = freshId('e', ids)
  ids.push(first)
  const second = freshId('e', ids)
  return {
    kind: 'batch',
    changes: [
      { kind: 'addNode', node: { ...node, id } },
      { kind: 'removeEdge', id: edge.id },
      { kind: 'addEdge', edge: { id: first, source: edge.source, target: id } },
      { kind: 'addEdge', edge: { id: second, source: id, target: edge.target } }
    ]
  }
}
