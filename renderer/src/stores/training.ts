import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { RunDetail, RunSummary, TrainConfig, TrainingProgress } from '../../../common/contract/training'
import { invoke, on } from '../api/client'

/** Training runs of the open project, the run being watched, and its live progress. */
export const useTrainingStore = defineStore('training', () => {
  const runs = ref<RunSummary[]>([])
  const detail = ref<RunDetail | null>(null)
  const progress = ref<TrainingProgress | null>(null)
  /** The watched run's notes from the engine (early stop, cached features, GPU memory), the latest of each kind. */
  const notes = ref<Array<{ key: string; params: Record<string, string | number> }>>([])

  const watchedId = computed(() => detail.value?.id ?? null)

  on('training:progress', (p) => {
    if (p.runId !== watchedId.value || !detail.value) return
    progress.value = p
    detail.value.batchLoss.push({ step: p.step, loss: p.loss })
  })
  on('training:epoch', (e) => {
    if (e.runId !== watchedId.value || !detail.value) return
    const { runId: _runId, ...epoch } = e
    detail.value.history = [...detail.value.history.filter((h) => h.epoch !== e.epoch), epoch]
    detail.value.epochsDone = Math.max(detail.value.epochsDone, e.epoch)
    detail.value.lastMetrics = e.metrics
  })
  on('training:status', (summary) => {
    runs.value = [summary, ...runs.value.filter((r) => r.id !== summary.id)].sort((a, b) => b.id - a.id)
    if (summary.id === watchedId.value && detail.value) Object.assign(detail.value, summary)
    if (summary.id === watchedId.value && summary.status === 'running') void refreshDetail()
  })
  on('training:warning', (w) => {
    if (w.runId === watchedId.value) notes.value = [...notes.value.filter((n) => n.key !== w.key), { key: w.key, params: w.params }]
  })

  async function refreshDetail(): Promise<void> {
    if (watchedId.value !== null) detail.value = await invoke('training:run', { runId: watchedId.value })
  }

  async function loadRuns(): Promise<void> {
    runs.value = await invoke('training:runs', {})
  }

  async function watch(runId: number): Promise<void> {
    progress.value = null
    notes.value = []
    detail.value = await invoke('training:run', { runId })
  }

  async function start(datasetId: string, modelId: string, config: TrainConfig): Promise<void> {
    const run = await invoke('training:start', { datasetId, modelId, config })
    await watch(run.id)
    await loadRuns()
  }

  /** Fits a model to a dataset (input shape and head) as a new version: the fix Train offers when it refuses a head. */
  async function fitModel(modelId: string, datasetId: string): Promise<void> {
    await invoke('model:fit-dataset', { id: modelId, datasetId })
  }

  const control = (channel: 'training:pause' | 'training:resume' | 'training:stop') => async (): Promise<void> => {
    if (watchedId.value === null) return
    const summary = await invoke(channel, { runId: watchedId.value })
    if (detail.value) Object.assign(detail.value, summary)
  }

  /** A strip of augmented training images for the settings being edited. */
  async function augmentationPreview(datasetId: string, augmentation: TrainConfig['augmentation']): Promise<string[]> {
    return (await invoke('training:augmentation-preview', { datasetId, augmentation: { ...augmentation }, count: 8 })).images
  }

  return { runs, detail, progress, notes, loadRuns, watch, start, fitModel, augmentationPreview, pause: control('training:pause'), resume: control('training:resume'), stop: control('training:stop') }
})
