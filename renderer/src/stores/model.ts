import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ModelLine, TemplateInfo } from '../../../common/contract/model'
import type { DatasetFitInfo } from '../../../common/contract/dataset'
import { fitFromInfo } from '../../../common/data/task'
import { applyChange, type ModelChange } from '../../../common/model/changes'
import { analyzeModel, type DatasetFit } from '../../../common/model/infer'
import type { ModelSpec } from '../../../common/model/spec'
import type { TemplateId } from '../../../common/model/templates'
import { invoke } from '../api/client'
import { useBasesStore } from './bases'

/** How long edits settle before they are saved as a new version. */
export const AUTOSAVE_DELAY_MS = 600
const MAX_HISTORY = 200

interface HistoryEntry {
  change: ModelChange
  inverse: ModelChange
}

/**
 * The model being built: its spec, every edit as a change object (undo/redo), instant analysis,
 * selection, and autosave of each settled edit as a new version in the project.
 */
export const useModelStore = defineStore('model', () => {
  const models = ref<ModelLine[]>([])
  const templates = ref<TemplateInfo[]>([])
  const modelId = ref<string | null>(null)
  const name = ref('')
  const version = ref(0)
  const spec = shallowRef<ModelSpec | null>(null)
  const fit = ref<DatasetFit>({})
  /** The dataset the model is built for: its encoded shapes and task are what Build checks the model against. */
  const datasetId = ref<string | null>(null)
  const fitInfo = ref<DatasetFitInfo | null>(null)
  const saveState = ref<'saved' | 'saving' | 'unsaved' | 'failed'>('saved')
  const saveError = ref<unknown>(null)
  const undoStack = shallowRef<HistoryEntry[]>([])
  const redoStack = shallowRef<HistoryEntry[]>([])
  const selectedNodes = ref<string[]>([])
  const selectedEdges = ref<string[]>([])

  const bases = useBasesStore()
  const analysis = computed(() => (spec.value ? analyzeModel(spec.value, { ...fit.value, bases: bases.byId }) : null))
  const canUndo = computed(() => undoStack.value.length > 0)
  const canRedo = computed(() => redoStack.value.length > 0)

  let timer: ReturnType<typeof setTimeout> | null = null
  let saving: Promise<void> = Promise.resolve()

  async function loadList(): Promise<void> {
    const [list, tmpl] = await Promise.all([invoke('model:list', {}), templates.value.length ? templates.value : invoke('model:templates', {}), bases.load()])
    models.value = list
    templates.value = tmpl
  }

  /** Builds for a dataset (null: none): Build shows its encoded input shape and task, and checks the model against them. */
  async function useDataset(id: string | null): Promise<void> {
    datasetId.value = id
    const info = id ? await invoke('dataset:fit', { datasetId: id }) : null
    if (datasetId.value !== id) return
    fitInfo.value = info
    fit.value = info ? fitFromInfo(info) : {}
  }

  function load(record: { id: string; name: string; version: number; spec: ModelSpec; datasetId?: string | null }): void {
    if (record.datasetId && record.datasetId !== datasetId.value) void useDataset(record.datasetId).catch(() => useDataset(null))
    modelId.value = record.id
    name.value = record.name
    version.value = record.version
    spec.value = record.spec
    undoStack.value = []
    redoStack.value = []
    selectedNodes.value = []
    selectedEdges.value = []
    saveState.value = 'saved'
  }

  async function open(id: string): Promise<void> {
    await flush()
    load(await invoke('model:get', { id }))
  }

  async function create(from: { template?: TemplateId; name?: string }): Promise<void> {
    await flush()
    load(await invoke('model:create', { ...from, ...(datasetId.value ? { datasetId: datasetId.value } : Object.keys(fit.value).length ? { fit: fit.value } : {}) }))
    await loadList()
  }

  function close(): void {
    void flush()
    modelId.value = null
    spec.value = null
  }

  function scheduleSave(): void {
    saveState.value = 'unsaved'
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => void flush(), AUTOSAVE_DELAY_MS)
  }

  /** Saves pending edits now (autosave calls this once edits settle). */
  function flush(): Promise<void> {
    if (timer) clearTimeout(timer)
    timer = null
    if (saveState.value !== 'unsaved' || !modelId.value || !spec.value) return saving
    const id = modelId.value
    const snapshot = spec.value
    saveState.value = 'saving'
    saving = saving.then(async () => {
      try {
        const saved = await invoke('model:save', { id, spec: snapshot })
        if (modelId.value === id) version.value = saved.version
        if (spec.value === snapshot) saveState.value = 'saved'
        saveError.value = null
      } catch (err) {
        saveState.value = 'failed'
        saveError.value = err
      }
    })
    return saving
  }

  /** Applies one edit, records it for undo and schedules an autosave. */
  function apply(change: ModelChange): void {
    if (!spec.value) return
    const { spec: next, inverse } = applyChange(spec.value, change)
    if (next === spec.value) return
    spec.value = next
    undoStack.value = [...undoStack.value.slice(-MAX_HISTORY + 1), { change, inverse }]
    redoStack.value = []
    pruneSelection()
    scheduleSave()
  }

  /** Shows an edit in progress (a drag) without recording it; {@link commitMove} records the whole gesture. */
  function preview(change: ModelChange): void {
    if (spec.value) spec.value = applyChange(spec.value, change).spec
  }

  /** Records a finished drag as one undoable edit, from where the nodes started to where they ended. */
  function commitMove(from: Record<string, { x: number; y: number }>): void {
    if (!spec.value) return
    const moved = spec.value.nodes.filter((n) => from[n.id] && (from[n.id].x !== n.position.x || from[n.id].y !== n.position.y))
    if (!moved.length) return
    const change: ModelChange = { kind: 'batch', changes: moved.map((n) => ({ kind: 'moveNode', id: n.id, position: { ...n.position } })) }
    const inverse: ModelChange = { kind: 'batch', changes: moved.map((n) => ({ kind: 'moveNode', id: n.id, position: { ...from[n.id] } })) }
    undoStack.value = [...undoStack.value.slice(-MAX_HISTORY + 1), { change, inverse }]
    redoStack.value = []
    scheduleSave()
  }

  function undo(): void {
    const entry = undoStack.value.at(-1)
    if (!entry || !spec.value) return
    spec.value = applyChange(spec.value, entry.inverse).spec
    undoStack.value = undoStack.value.slice(0, -1)
    redoStack.value = [...redoStack.value, entry]
    pruneSelection()
    scheduleSave()
  }

  function redo(): void {
    const entry = redoStack.value.at(-1)
    if (!entry || !spec.value) return
    spec.value = applyChange(spec.value, entry.change).spec
    redoStack.value = redoStack.value.slice(0, -1)
    undoStack.value = [...undoStack.value, entry]
    pruneSelection()
    scheduleSave()
  }

  function pruneSelection(): void {
    const nodes = new Set(spec.value?.nodes.map((n) => n.id))
    const edges = new Set(spec.value?.edges.map((e) => e.id))
    selectedNodes.value = selectedNodes.value.filter((id) => nodes.has(id))
    selectedEdges.value = selectedEdges.value.filter((id) => edges.has(id))
  }

  function select(nodes: string[], edges: string[] = []): void {
    selectedNodes.value = nodes
    selectedEdges.value = edges
  }

  /** Deletes the selected layers and connections as one undoable edit. */
  function deleteSelected(): void {
    const changes: ModelChange[] = [
      ...selectedEdges.value.map((id): ModelChange => ({ kind: 'removeEdge', id })),
      ...selectedNodes.value.map((id): ModelChange => ({ kind: 'removeNode', id }))
    ]
    if (changes.length) apply({ kind: 'batch', changes })
  }

  return {
    models,
    templates,
    modelId,
    name,
    version,
    spec,
    fit,
    datasetId,
    fitInfo,
    useDataset,
    saveState,
    saveError,
    analysis,
    canUndo,
    canRedo,
    selectedNodes,
    selectedEdges,
    loadList,
    load,
    open,
    create,
    close,
    flush,
    apply,
    preview,
    commitMove,
    undo,
    redo,
    select,
    deleteSelected
  }
})
