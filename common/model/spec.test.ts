import { describe, expect, it } from 'vitest'
import { ModelSpecSchema, normalizeSpec, parseSpecText, specToJson } from './spec'
import { TEMPLATE_IDS, buildTemplate } from './templates'

describe('spec JSON round-trips', () => {
  for (const id of TEMPLATE_IDS) {
    it(`template=${id}`, () => {
      const spec = buildTemplate(id)
      const text = specToJson(spec)
      const parsed = parseSpecText(text)
      expect(parsed.ok).toBe(true)
      if (!parsed.ok) return
      expect(parsed.spec).toEqual(normalizeSpec(spec))
      expect(specToJson(parsed.spec)).toBe(text)
    })
  }

  it('positions survive exactly, fractions included', () => {
    const spec = buildTemplate('mnist-mlp')
    spec.nodes[1].position = { x: 123.456, y: -7.25 }
    const parsed = ModelSpecSchema.parse(JSON.parse(specToJson(spec)))
    expect(parsed.nodes[1].position).toEqual({ x: 123.456, y: -7.25 })
  })
})

describe('invalid spec text says where and why', () => {
  it.each([
    ['not JSON', '{ "format": ', []],
    ['wrong format tag', JSON.stringify({ format: 'other/1', nodes: [], edges: [] }), ['format']],
    ['edge to a missing node', JSON.stringify({ format: 'strata.model/1', nodes: [], edges: [{ id: 'e1', source: 'a', target: 'b' }] }), ['edges', 0, 'source']],
    ['duplicate node ids', JSON.stringify({ format: 'strata.model/1', nodes: [{ id: 'a', type: 'Input' }, { id: 'a', type: 'Dense' }], edges: [] }), ['nodes', 1, 'id']],
    ['units as text', JSON.stringify({ format: 'strata.model/1', nodes: [{ id: 'a', type: 'Dense', params: { units: { n: 1 } } }], edges: [] }), ['nodes', 0, 'params', 'units']]
  ] as const)('%s', (_name, text, path) => {
    const parsed = parseSpecText(text)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.issues[0].path).toEqual(path)
    expect(parsed.issues[0].message.length).toBeGreaterThan(3)
  })
})
