import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { CardText, ExportFormat, ExportProgress, ExportRecord } from '../../../common/contract/export'
import { isLiveStatus, type RunSummary } from '../../../common/contract/training'
import { invoke, on } from '../api/client'
import { downloadExport } from '../api/download'

/** Exports of the open project's runs: which run is chosen, its recorded exports, the card texts and live progress. */
export const useExportsStore = defineStore('exports', () => {
  const runs = ref<RunSummary[]>([])
  const runId = ref<number | null>(null)
  const records = ref<ExportRecord[]>([])
  const card = ref<CardText>({ intendedUse: '', limitations: '' })
  const progress = ref<ExportProgress | null>(null)
  const busy = ref(false)

  on('export:progress', (p) => {
    if (p.runId === runId.value) progress.value = p
  })

  async function select(id: number): Promise<void> {
    runId.value = id
    const listed = await invoke('export:list', { runId: id })
    records.value = listed.exports
    card.value = listed.card
  }

  /** Runs with at least one trained epoch, newest first; selects the newest when none is chosen. */
  async function loadRuns(): Promise<void> {
    runs.value = (await invoke('training:runs', {})).filter((r) => r.epochsDone > 0 && !isLiveStatus(r.status))
    const keep = runs.value.find((r) => r.id === runId.value)
    if (keep) await select(keep.id)
    else if (runs.value[0]) await select(runs.value[0].id)
  }

  async function exportRun(formats: ExportFormat[], locale?: 'en' | 'zh-CN'): Promise<void> {
    if (runId.value === null) return
    busy.value = true
    try {
      const result = await invoke('export:run', { runId: runId.value, formats, card: card.value, ...(locale ? { locale } : {}) })
      records.value = result.exports
      card.value = result.card
    } finally {
      busy.value = false
      progress.value = null
    }
  }

  const download = (format: ExportFormat): Promise<void> => (runId.value === null ? Promise.resolve() : downloadExport(runId.value, format))

  async function saveTo(format: ExportFormat): Promise<string | null> {
    if (runId.value === null) return null
    return (await invoke('export:save-to', { runId: runId.value, format })).path
  }

  return { runs, runId, records, card, progress, busy, loadRuns, select, exportRun, download, saveTo }
})
