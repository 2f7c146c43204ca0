import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { CrossValidation, CrossValidationProgress, Evaluation, EvaluationExample, EvaluationSplit } from '../../../common/contract/evaluation'
import type { ExperimentRow } from '../../../common/contract/experiments'
import { isFinalStatus } from '../../../common/contract/training'
import { invoke, on } from '../api/client'

/** Items of one confusion-matrix cell shown at a time. */
const CELL_PAGE = 24

/** The run being judged: its stored evaluation, the confusion-matrix cell opened, and its cross-validation. */
export const useEvaluationStore = defineStore('evaluation', () => {
  const runs = ref<ExperimentRow[]>([])
  const runId = ref<number | null>(null)
  const split = ref<EvaluationSplit>('test')
  const evaluation = ref<Evaluation | null>(null)
  const evaluating = ref(false)
  const cell = ref<{ actual: string; predicted: string } | null>(null)
  const examples = ref<EvaluationExample[]>([])
  const examplesTotal = ref(0)
  const thumbnails = ref(new Map<number, string | null>())
  const crossValidation = ref<CrossValidation | null>(null)
  const cvProgress = ref<CrossValidationProgress | null>(null)

  const run = computed(() => runs.value.find((r) => r.id === runId.value) ?? null)
  const evaluable = computed(() => runs.value.filter((r) => r.epochsDone > 0))

  // A run that finishes (or trains further) elsewhere shows up here, and its stored results say whether they still hold.
  on('training:status', (summary) => {
    if (isFinalStatus(summary.status)) void refresh(summary.id)
  })
  on('evaluation:cross-validation-progress', (p) => {
    if (p.runId === runId.value) cvProgress.value = p
  })
  on('project:changed', () => {
    runId.value = null
    evaluation.value = null
    crossValidation.value = null
    closeCell()
  })

  async function loadRuns(): Promise<void> {
    runs.value = await invoke('runs:list', {})
    if (runId.value === null || !runs.value.some((r) => r.id === runId.value)) {
      const first = evaluable.value[0]
      if (first) await select(first.id)
    }
  }

  async function refresh(changedRunId: number): Promise<void> {
    runs.value = await invoke('runs:list', {})
    if (changedRunId === runId.value) evaluation.value = await invoke('evaluation:get', { runId: changedRunId, split: split.value })
    else if (runId.value === null && evaluable.value[0]) await select(evaluable.value[0].id)
  }

  async function select(id: number): Promise<void> {
    runId.value = id
    closeCell()
    cvProgress.value = null
    ;[evaluation.value, crossValidation.value] = await Promise.all([invoke('evaluation:get', { runId: id, split: split.value }), invoke('evaluation:cross-validation', { runId: id })])
  }

  async function setSplit(next: EvaluationSplit): Promise<void> {
    split.value = next
    if (runId.value !== null) await select(runId.value)
  }

  async function evaluate(): Promise<void> {
    if (runId.value === null) return
    evaluating.value = true
    closeCell()
    try {
      evaluation.value = await invoke('evaluation:run', { runId: runId.value, split: split.value })
    } finally {
      evaluating.value = false
    }
  }

  function closeCell(): void {
    cell.value = null
    examples.value = []
    examplesTotal.value = 0
  }

  async function loadThumbnails(list: EvaluationExample[]): Promise<void> {
    const datasetId = run.value?.datasetId
    const ids = list.filter((e) => e.item?.hash && !thumbnails.value.has(e.itemId)).map((e) => e.itemId)
    if (!datasetId || !ids.length) return
    const got = await invoke('dataset:thumbnails', { datasetId, itemIds: ids })
    const next = new Map(thumbnails.value)
    for (const g of got) next.set(g.itemId, g.dataUrl)
    thumbnails.value = next
  }

  async function openCell(actual: string, predicted: string, more = false): Promise<void> {
    if (runId.value === null) return
    if (!more) {
      cell.value = { actual, predicted }
      examples.value = []
    }
    const page = await invoke('evaluation:examples', { runId: runId.value, split: split.value, actual, predicted, offset: examples.value.length, limit: CELL_PAGE })
    examples.value = [...examples.value, ...page.examples]
    examplesTotal.value = page.total
    await loadThumbnails(page.examples)
  }

  /** Relabels (or, with `remove`, excludes) an item of the open cell; the results then say a retrain is needed. */
  async function correct(itemId: number, change: { label?: string; remove?: boolean }): Promise<void> {
    if (runId.value === null) return
    evaluation.value = await invoke('evaluation:update-item', { runId: runId.value, split: split.value, itemId, ...change })
    examples.value = examples.value.map((e) =>
      e.itemId !== itemId || !e.item ? e : change.remove ? { ...e, item: null } : { ...e, item: { ...e.item, label: change.label ?? e.item.label } }
    )
  }

  async function crossValidate(k: number, epochs: number): Promise<void> {
    if (runId.value === null) return
    cvProgress.value = null
    try {
      crossValidation.value = await invoke('evaluation:cross-validate', { runId: runId.value, k, epochs })
    } finally {
      cvProgress.value = null
    }
  }

  return {
    runs,
    runId,
    run,
    evaluable,
    split,
    evaluation,
    evaluating,
    cell,
    examples,
    examplesTotal,
    thumbnails,
    crossValidation,
    cvProgress,
    loadRuns,
    select,
    setSplit,
    evaluate,
    openCell,
    closeCell,
    correct,
    crossValidate
  }
})
