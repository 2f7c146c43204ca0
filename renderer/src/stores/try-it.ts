import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Prediction, PredictionNotes, TryForm, TryInput } from '../../../common/contract/evaluation'
import { invoke } from '../api/client'

/** The try-it panel: the input form of the run being judged and its latest prediction. */
export const useTryItStore = defineStore('try-it', () => {
  const form = ref<TryForm | null>(null)
  const prediction = ref<Prediction | null>(null)
  const milliseconds = ref<number | null>(null)
  /** What predict filled in or did not know in the last row. */
  const notes = ref<PredictionNotes | null>(null)
  const busy = ref(false)

  async function load(runId: number): Promise<void> {
    prediction.value = null
    notes.value = null
    form.value = await invoke('evaluation:try-form', { runId })
  }

  async function predict(input: TryInput): Promise<void> {
    if (!form.value) return
    busy.value = true
    try {
      const result = await invoke('evaluation:predict', { runId: form.value.runId, input })
      prediction.value = result.prediction
      milliseconds.value = result.milliseconds
      notes.value = result.notes
    } finally {
      busy.value = false
    }
  }

  function reset(): void {
    form.value = null
    prediction.value = null
  }

  return { form, prediction, milliseconds, notes, busy, load, predict, reset }
})
