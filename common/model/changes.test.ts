import { describe, expect, it } from 'vitest'
import { applyChange, connect, insertOnEdge, type ModelChange } from './changes'
import { autoLayout } from './layout'
import { buildTemplate } from './templates'

const spec = buildTemplate('mnist-cnn')

describe('every change has an exact inverse (undo)', () => {
  const cases: Array<[string, ModelChange]> = [
    ['addNode', { kind: 'addNode', node: { id: 'drop_1', type: 'Dropout', params: {}, position: { x: 5, y: 5 } } }],
    ['removeNode in the middle', { kind: 'removeNode', id: 'flatten_1' }],
    ['moveNode', { kind: 'moveNode', id: 'dense_1', position: { x: 300, y: 40 } }],
    ['setParam', { kind: 'setParam', id: 'dense_1', param: 'units', value: 64 }],
    ['setParam reset to default', { kind: 'setParam', id: 'dense_1', param: 'activation', value: undefined }],
    ['removeEdge', { kind: 'removeEdge', id: 'e_3' }],
    ['addEdge', connect(spec, 'input_1', 'dense_2')],
    ['insertOnEdge', insertOnEdge(spec, 'e_5', { type: 'Dropout', params: {}, position: { x: 0, y: 0 } })],
    ['setTask', { kind: 'setTask', task: { kind: 'binary' } }],
    ['setName', { kind: 'setName', name: 'Digits' }],
    ['replaceSpec', { kind: 'replaceSpec', spec: buildTemplate('mnist-mlp') }]
  ]
  for (const [name, change] of cases) {
    it(name, () => {
      const before = structuredClone(spec)
      const { spec: after, inverse } = applyChange(spec, change)
      expect(after).not.toEqual(before)
      expect(spec).toEqual(before) // never mutated
      expect(applyChange(after, inverse).spec).toEqual(before)
      // redo after undo gives the same result again
      expect(applyChange(applyChange(after, inverse).spec, change).spec).toEqual(after)
    })
  }

  it('auto-layout tidies a scrambled graph and undoes back to it', () => {
    const scrambled = { ...spec, nodes: spec.nodes.map((n, i) => ({ ...n, position: { x: i * 7, y: 3 } })) }
    const { spec: tidy, inverse } = applyChange(scrambled, autoLayout(scrambled))
    expect(tidy.nodes.map((n) => n.position)).toEqual(spec.nodes.map((n) => n.position))
    expect(applyChange(tidy, inverse).spec).toEqual(scrambled)
  })

  it('removing a node removes its edges', () => {
    const { spec: after } = applyChange(spec, { kind: 'removeNode', id: 'flatten_1' })
    expect(after.edges.some((e) => e.source === 'flatten_1' || e.target === 'flatten_1')).toBe(false)
  })

  it('duplicate edges and self loops are ignored', () => {
    expect(applyChange(spec, { kind: 'addEdge', edge: { id: 'x1', source: 'input_1', target: 'conv2d_1' } }).spec).toBe(spec)
    expect(applyChange(spec, { kind: 'addEdge', edge: { id: 'x2', source: 'dense_1', target: 'dense_1' } }).spec).toBe(spec)
  })
})
