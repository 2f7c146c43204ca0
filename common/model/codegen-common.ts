import { isLayerType, resolveParams, type LayerType, type ParamValue } from './catalog'
import { analyzeModel, type ModelAnalysis } from './infer'
import type { ModelSpec } from './spec'

const RESERVED = new Set([
  // JavaScript / TypeScript
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export', 'extends',
  'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this',
  'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'let', 'static', 'yield', 'await', 'tf', 'model',
  // Python
  'and', 'as', 'assert', 'async', 'def', 'del', 'elif', 'except', 'from', 'global', 'is', 'lambda', 'nonlocal', 'not', 'or',
  'pass', 'raise', 'None', 'True', 'False', 'keras', 'layers', 'inputs', 'outputs'
])

/** A node ready for a code generator: its variable name, resolved parameters and the variables it reads. */
export interface CodeNode {
  id: string
  type: LayerType
  variable: string
  params: Record<string, ParamValue>
  inputs: string[]
}

/** The nodes of a spec in dependency order, with stable variable names; unknown layer types are left out. */
export function codeNodes(spec: ModelSpec, analysis: ModelAnalysis = analyzeModel(spec)): CodeNode[] {
  const variables = new Map<string, string>()
  const used = new Set<string>()
  for (const id of analysis.order) {
    let name = id.replace(/-/g, '_')
    if (RESERVED.has(name)) name = `${name}_`
    while (used.has(name)) name = `${name}_`
    used.add(name)
    variables.set(id, name)
  }
  const out: CodeNode[] = []
  for (const id of analysis.order) {
    const node = spec.nodes.find((n) => n.id === id)!
    if (!isLayerType(node.type)) continue
    const params = resolveParams(node.type, node.params)
    // A -1 in Reshape is spelled out, so the generated code states every shape.
    const inferred = analysis.nodes[id]?.outputShape
    if (node.type === 'Reshape' && inferred) params.targetShape = [...inferred]
    out.push({
      id,
      type: node.type,
      variable: variables.get(id)!,
      params,
      inputs: spec.edges.filter((e) => e.target === id).map((e) => variables.get(e.source)!).filter(Boolean)
    })
  }
  return out
}

/** The node whose output is the model's output: the analysis's, else the last in dependency order. */
export function outputNode(nodes: CodeNode[], analysis: ModelAnalysis): CodeNode | undefined {
  return nodes.find((n) => n.id === analysis.outputId) ?? nodes[nodes.length - 1]
}
