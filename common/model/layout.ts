import type { ModelChange } from './changes'
import { topologicalOrder } from './infer'
import type { ModelSpec } from './spec'

/** Vertical distance between layer rows and horizontal distance between side-by-side branches, in canvas pixels. */
export const ROW_GAP = 110
export const COLUMN_GAP = 240

/**
 * Positions for a tidy top-to-bottom drawing: each node one row below its deepest input,
 * branches side by side and centred. Nodes on cycles go to a last row.
 */
export function layoutPositions(spec: ModelSpec): Record<string, { x: number; y: number }> {
  const order = topologicalOrder(spec)
  const depth = new Map<string, number>()
  for (const id of order) {
    const parents = spec.edges.filter((e) => e.target === id).map((e) => depth.get(e.source) ?? 0)
    depth.set(id, parents.length ? Math.max(...parents) + 1 : 0)
  }
  const maxDepth = Math.max(0, ...depth.values())
  for (const n of spec.nodes) if (!depth.has(n.id)) depth.set(n.id, maxDepth + 1)
  const rows = new Map<number, string[]>()
  for (const n of spec.nodes) {
    const d = depth.get(n.id)!
    rows.set(d, [...(rows.get(d) ?? []), n.id])
  }
  const positions: Record<string, { x: number; y: number }> = {}
  for (const [d, ids] of rows) {
    ids.forEach((id, i) => {
      positions[id] = { x: Math.round((i - (ids.length - 1) / 2) * COLUMN_GAP), y: d * ROW_GAP }
    })
  }
  return positions
}

/** The change that moves every node to its auto-layout position. */
export function autoLayout(spec: ModelSpec): ModelChange {
  const positions = layoutPositions(spec)
  return {
    kind: 'batch',
    changes: spec.nodes
      .filter((n) => positions[n.id].x !== n.position.x || positions[n.id].y !== n.position.y)
      .map((n) => ({ kind: 'moveNode', id: n.id, position: positions[n.id] }))
  }
}
