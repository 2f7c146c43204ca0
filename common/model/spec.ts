import { z } from 'zod'
import { TASK_KINDS } from './task'

/** The format tag of every model spec this version of Strata writes. */
export const MODEL_FORMAT = 'strata.model/1'

/** A node or edge id: letters, digits, `_` and `-`, starting with a letter. */
export const GraphId = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'use letters, digits, _ or -, starting with a letter')

/** A parameter value: a number, a word, a yes/no, or a list of whole numbers (shapes). */
export const ParamValueSchema = z.union([z.number(), z.string(), z.boolean(), z.array(z.number().int())])

/** One layer on the canvas. `type` is a catalog layer; unknown types are reported by validation, not rejected here. */
export const LayerNodeSchema = z
  .object({
    id: GraphId,
    type: z.string().min(1),
    params: z.record(z.string(), ParamValueSchema).default({}),
    position: z.object({ x: z.number(), y: z.number() }).default({ x: 0, y: 0 })
  })
  .strict()
export type LayerNode = z.infer<typeof LayerNodeSchema>

/** A connection: the output of `source` feeds `target`. Inputs of merges are taken in edge order. */
export const EdgeSchema = z.object({ id: GraphId, source: GraphId, target: GraphId }).strict()
export type Edge = z.infer<typeof EdgeSchema>

/** What the model predicts: it sets the output activation, the loss and the metrics. */
export const TaskKind = z.enum(TASK_KINDS)
export type TaskKind = z.infer<typeof TaskKind>

/** The task head: kind, and the number of classes (classification) or of predicted values (regression). */
export const TaskSchema = z
  .object({
    kind: TaskKind,
    classes: z.number().int().min(2).max(100_000).optional(),
    outputs: z.number().int().min(1).max(10_000).optional()
  })
  .strict()
export type Task = z.infer<typeof TaskSchema>

/** A whole model: the versioned JSON document saved in project.db and shown in the Spec tab. */
export const ModelSpecSchema = z
  .object({
    format: z.literal(MODEL_FORMAT),
    name: z.string().max(120).optional(),
    task: TaskSchema.optional(),
    nodes: z.array(LayerNodeSchema).max(2000),
    edges: z.array(EdgeSchema).max(10_000)
  })
  .strict()
  .superRefine((spec, ctx) => {
    const ids = new Set<string>()
    spec.nodes.forEach((node, i) => {
      if (ids.has(node.id)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'id'], message: `duplicate node id "${node.id}"` })
      ids.add(node.id)
    })
    const edgeIds = new Set<string>()
    spec.edges.forEach((edge, i) => {
      if (edgeIds.has(edge.id)) ctx.addIssue({ code: 'custom', path: ['edges', i, 'id'], message: `duplicate edge id "${edge.id}"` })
      edgeIds.add(edge.id)
      for (const end of ['source', 'target'] as const) {
        if (!ids.has(edge[end])) ctx.addIssue({ code: 'custom', path: ['edges', i, end], message: `no node with id "${edge[end]}"` })
      }
    })
  })
export type ModelSpec = z.infer<typeof ModelSpecSchema>

/** An empty model. */
export function emptySpec(name?: string): ModelSpec {
  return { format: MODEL_FORMAT, ...(name ? { name } : {}), nodes: [], edges: [] }
}

/** A spec as stable, readable JSON (two-space indent, keys in schema order). */
export function specToJson(spec: ModelSpec): string {
  return JSON.stringify(normalizeSpec(spec), null, 2)
}

/** The spec with keys in schema order, so equal models serialize to equal text. */
export function normalizeSpec(spec: ModelSpec): ModelSpec {
  return {
    format: spec.format,
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    ...(spec.task ? { task: { kind: spec.task.kind, ...(spec.task.classes !== undefined ? { classes: spec.task.classes } : {}), ...(spec.task.outputs !== undefined ? { outputs: spec.task.outputs } : {}) } } : {}),
    nodes: spec.nodes.map((n) => ({ id: n.id, type: n.type, params: { ...n.params }, position: { x: n.position.x, y: n.position.y } })),
    edges: spec.edges.map((e) => ({ id: e.id, source: e.source, target: e.target }))
  }
}

/** Where a JSON text fails the spec schema: one entry per problem, with its path inside the document. */
export interface SpecIssue {
  path: (string | number)[]
  message: string
}

/** Parses Spec-tab text: the spec, or the JSON syntax error / schema issues that stop it. */
export function parseSpecText(text: string): { ok: true; spec: ModelSpec } | { ok: false; issues: SpecIssue[] } {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    return { ok: false, issues: [{ path: [], message: err instanceof Error ? err.message : String(err) }] }
  }
  const parsed = ModelSpecSchema.safeParse(json)
  if (parsed.success) return { ok: true, spec: parsed.data }
  return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message })) }
}
