import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ColumnType, DatasetSummary, HealthReport, HealthWarning, ImportProgress, ImportResult, SplitRatios } from '../../../common/contract/dataset'
import type { ChannelInput } from '../../../common/contract/channels'
import { invoke, on } from '../api/client'
import { uploadFiles, type PickedFile } from '../api/upload'
import { useProjectsStore } from './projects'

/** Options the user sets before an import. */
export interface ImportChoices {
  name?: string
  kind?: 'images' | 'table' | 'text'
  ragged: 'skip' | 'refuse'
}

function newId(): string {
  return Math.random().toString(36).slice(2, 10) + Date.now().toString(36)
}

/** The open project's datasets, the selected one with its health, and the import in progress. */
export const useDatasetsStore = defineStore('datasets', () => {
  const list = ref<DatasetSummary[]>([])
  const selectedId = ref<string | null>(null)
  const health = ref<HealthReport | null>(null)
  const importId = ref<string | null>(null)
  const progress = ref<ImportProgress | null>(null)
  const uploading = ref<{ done: number; total: number } | null>(null)
  const lastImport = ref<ImportResult | null>(null)
  /** Bumped whenever items change, so grids and previews reload. */
  const revision = ref(0)
  /** True once the health fix set balanced class weights for training. */
  const balanced = ref(false)

  const selected = computed(() => list.value.find((d) => d.id === selectedId.value) ?? null)
  const busy = computed(() => importId.value !== null)

  on('dataset:import-progress', (p) => {
    if (p.importId === importId.value) progress.value = p
  })
  on('dataset:changed', () => void load())
  on('project:changed', () => {
    selectedId.value = null
    health.value = null
    void load()
  })

  async function load(): Promise<void> {
    try {
      list.value = await invoke('dataset:list', {})
    } catch {
      // No project open: nothing to list.
      list.value = []
    }
    if (!list.value.some((d) => d.id === selectedId.value)) selectedId.value = list.value.at(-1)?.id ?? null
    await loadHealth()
  }

  async function loadHealth(): Promise<void> {
    health.value = selectedId.value ? await invoke('dataset:health', { datasetId: selectedId.value }) : null
  }

  async function select(id: string): Promise<void> {
    selectedId.value = id
    await loadHealth()
  }

  function replace(summary: DatasetSummary): void {
    list.value = list.value.map((d) => (d.id === summary.id ? summary : d))
    revision.value++
  }

  async function runImport(request: { path?: string; uploadId?: string }, choices: ImportChoices): Promise<ImportResult> {
    const id = newId()
    importId.value = id
    progress.value = null
    try {
      const result = await invoke('dataset:import', { ...request, importId: id, ragged: choices.ragged, ...(choices.name ? { name: choices.name } : {}), ...(choices.kind ? { kind: choices.kind } : {}) })
      lastImport.value = result
      await load()
      selectedId.value = result.datasetId
      revision.value++
      await loadHealth()
      return result
    } finally {
      importId.value = null
      progress.value = null
    }
  }

  /** Imports a folder or file on the host machine. */
  function importPath(path: string, choices: ImportChoices): Promise<ImportResult> {
    return runImport({ path }, choices)
  }

  /** Uploads picked or dropped files (browser mode, or drops in the desktop app) and imports them. */
  async function importFiles(files: readonly PickedFile[], choices: ImportChoices): Promise<ImportResult> {
    const uploadId = newId()
    uploading.value = { done: 0, total: files.length }
    try {
      await uploadFiles(uploadId, files, (done) => (uploading.value = { done, total: files.length }))
    } finally {
      uploading.value = null
    }
    return runImport({ uploadId }, choices)
  }

  async function cancel(): Promise<void> {
    if (importId.value) await invoke('dataset:cancel-import', { importId: importId.value })
  }

  async function pickSource(folder: boolean): Promise<string | null> {
    return (await invoke('dataset:pick-source', { folder })).path
  }

  async function setColumn(column: string, change: { type?: ColumnType | null; excluded?: boolean; missing?: string[] | null }): Promise<void> {
    if (!selectedId.value) return
    replace(await invoke('dataset:set-column', { datasetId: selectedId.value, column, ...change }))
    await loadHealth()
  }

  async function setTarget(column: string): Promise<void> {
    if (!selectedId.value) return
    replace(await invoke('dataset:set-target', { datasetId: selectedId.value, column }))
    await loadHealth()
  }

  async function split(ratios: SplitRatios, seed?: number): Promise<void> {
    if (!selectedId.value) return
    replace(await invoke('dataset:split', { datasetId: selectedId.value, ratios, ...(seed === undefined ? {} : { seed }) }))
  }

  async function updateItem(itemId: number, change: { label?: string; remove?: boolean }): Promise<void> {
    if (!selectedId.value) return
    replace(await invoke('dataset:update-item', { datasetId: selectedId.value, itemId, ...change }))
    await loadHealth()
  }

  async function remove(id: string): Promise<void> {
    await invoke('dataset:remove', { datasetId: id })
    await load()
  }

  /** Applies a health warning's one-click fix (a relabel needs the chosen label). */
  async function applyFix(warning: HealthWarning, label?: string): Promise<void> {
    const fix = warning.fix
    if (!fix || !selectedId.value) return
    if (fix.kind === 'exclude-column') await setColumn(fix.column, { excluded: true })
    else if (fix.kind === 'remove-item') await updateItem(fix.itemId, { remove: true })
    else if (fix.kind === 'relabel-item' && label) await updateItem(fix.itemId, { label })
    else if (fix.kind === 'drop-duplicates' || fix.kind === 'drop-unlabelled') {
      replace((await invoke(fix.kind === 'drop-duplicates' ? 'dataset:drop-duplicates' : 'dataset:drop-unlabelled', { datasetId: selectedId.value })).dataset)
      await loadHealth()
    } else if (fix.kind === 'balance-classes') {
      await useProjectsStore().setTrainingDefaults({ classWeights: 'balanced' })
      balanced.value = true
    }
  }

  /** A page of a dataset's items, for the grid and the table preview. */
  function itemsPage(args: ChannelInput<'dataset:items'>) {
    return invoke('dataset:items', args)
  }

  /** Thumbnails (data URLs) of some items. */
  function thumbnails(datasetId: string, itemIds: number[]) {
    return invoke('dataset:thumbnails', { datasetId, itemIds })
  }

  /** One dataset's summary, fetched fresh. */
  function fetchDataset(datasetId: string) {
    return invoke('dataset:get', { datasetId })
  }

  return {
    itemsPage,
    thumbnails,
    fetchDataset,
    list,
    selectedId,
    selected,
    health,
    importId,
    progress,
    uploading,
    lastImport,
    revision,
    balanced,
    busy,
    load,
    select,
    importPath,
    importFiles,
    cancel,
    pickSource,
    setColumn,
    setTarget,
    split,
    updateItem,
    remove,
    applyFix
  }
})
