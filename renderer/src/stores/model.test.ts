import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { buildTemplate } from '../../../common/model/templates'

const saved: unknown[] = []
vi.mock('../api/client', () => ({
  invoke: vi.fn(async (channel: string, payload: { spec?: unknown }) => {
    if (channel === 'model:save') {
      saved.push(payload.spec)
      return { id: 'm1', version: saved.length + 1, updatedAt: '', changed: true }
    }
    throw new Error(`unexpected ${channel}`)
  })
}))

const { AUTOSAVE_DELAY_MS, useModelStore } = await import('./model')

describe('model store: edits, undo/redo and autosave', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    saved.length = 0
    vi.useFakeTimers()
  })

  function loaded() {
    const store = useModelStore()
    store.load({ id: 'm1', name: 'CNN', version: 1, spec: buildTemplate('mnist-cnn') })
    return store
  }

  it('an edit updates the analysis, undo and redo replay it', () => {
    const store = loaded()
    expect(store.analysis?.totalParams).toBe(225_034)
    store.apply({ kind: 'setParam', id: 'dense_1', param: 'units', value: 64 })
    expect(store.analysis?.totalParams).toBe(225_034 - (1600 * 64 + 64) - 64 * 10)
    store.undo()
    expect(store.analysis?.totalParams).toBe(225_034)
    store.redo()
    expect(store.spec?.nodes.find((n) => n.id === 'dense_1')?.params.units).toBe(64)
    expect(store.canRedo).toBe(false)
  })

  it('rapid edits are saved once, after they settle', async () => {
    const store = loaded()
    for (const units of [10, 20, 30]) store.apply({ kind: 'setParam', id: 'dense_1', param: 'units', value: units })
    expect(store.saveState).toBe('unsaved')
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS + 10)
    expect(saved).toHaveLength(1)
    expect(store.saveState).toBe('saved')
    expect(store.version).toBe(2)
  })

  it('a drag previews without history, then records one undoable move', () => {
    const store = loaded()
    const from = { ...store.spec!.nodes[1].position }
    store.preview({ kind: 'moveNode', id: 'conv2d_1', position: { x: 50, y: 60 } })
    store.preview({ kind: 'moveNode', id: 'conv2d_1', position: { x: 90, y: 60 } })
    expect(store.canUndo).toBe(false)
    store.commitMove({ conv2d_1: from })
    store.undo()
    expect(store.spec!.nodes[1].position).toEqual(from)
  })

  it('deleting the selection removes layers and their connections in one edit', () => {
    const store = loaded()
    store.select(['flatten_1'])
    store.deleteSelected()
    expect(store.spec!.edges.some((e) => e.source === 'flatten_1' || e.target === 'flatten_1')).toBe(false)
    expect(store.selectedNodes).toEqual([])
    expect(store.analysis?.problems.map((p) => p.code)).toContain('disconnected')
    store.undo()
    expect(store.analysis?.problems).toEqual([])
  })
})
