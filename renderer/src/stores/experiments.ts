import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ExperimentRow, RunComparison } from '../../../common/contract/experiments'
import type { RunStatus } from '../../../common/contract/training'
import { invoke, on } from '../api/client'

/** Columns the experiments table sorts by. */
export type SortKey = 'id' | 'status' | 'datasetName' | 'modelName' | 'best' | 'last' | 'durationSeconds' | 'backend'

/** Every run as a compact row with sorting, filtering and search; the selection and, on demand, its comparison. */
export const useExperimentsStore = defineStore('experiments', () => {
  const rows = ref<ExperimentRow[]>([])
  const sortKey = ref<SortKey>('id')
  const descending = ref(true)
  const search = ref('')
  const status = ref<RunStatus | ''>('')
  const tag = ref('')
  const showArchived = ref(false)
  const selected = ref<number[]>([])
  const comparison = ref<RunComparison[] | null>(null)

  const tags = computed(() => [...new Set(rows.value.flatMap((r) => r.tags))].sort())

  const shown = computed(() => {
    const q = search.value.trim().toLowerCase()
    const filtered = rows.value.filter(
      (r) =>
        (showArchived.value || !r.archived) &&
        (!status.value || r.status === status.value) &&
        (!tag.value || r.tags.includes(tag.value)) &&
        (!q || [String(r.id), r.notes, r.datasetName ?? '', r.modelName ?? '', r.backend ?? '', ...r.tags].some((s) => s.toLowerCase().includes(q)))
    )
    const key = sortKey.value
    const dir = descending.value ? -1 : 1
    return filtered.sort((a, b) => {
      const x = a[key]
      const y = b[key]
      if (x === y) return b.id - a.id
      if (x === null) return 1
      if (y === null) return -1
      return (x < y ? -1 : 1) * dir
    })
  })

  on('training:status', () => void load())
  on('project:changed', () => {
    selected.value = []
    comparison.value = null
    void load()
  })

  async function load(): Promise<void> {
    try {
      rows.value = await invoke('runs:list', {})
    } catch {
      // No project open: no runs.
      rows.value = []
    }
  }

  function sortBy(key: SortKey): void {
    if (sortKey.value === key) descending.value = !descending.value
    else {
      sortKey.value = key
      descending.value = key === 'id'
    }
  }

  function toggle(id: number): void {
    selected.value = selected.value.includes(id) ? selected.value.filter((x) => x !== id) : [...selected.value, id]
  }

  async function update(runId: number, change: { notes?: string; tags?: string[]; archived?: boolean }): Promise<void> {
    const row = await invoke('runs:update', { runId, ...change })
    rows.value = rows.value.map((r) => (r.id === runId ? row : r))
  }

  async function remove(runId: number): Promise<void> {
    await invoke('runs:delete', { runId })
    rows.value = rows.value.filter((r) => r.id !== runId)
    selected.value = selected.value.filter((x) => x !== runId)
    if (comparison.value?.some((c) => c.id === runId)) comparison.value = null
  }

  async function compare(): Promise<void> {
    comparison.value = await invoke('runs:compare', { runIds: [...selected.value].sort((a, b) => a - b) })
  }

  return { rows, shown, tags, sortKey, descending, search, status, tag, showArchived, selected, comparison, load, sortBy, toggle, update, remove, compare }
})
