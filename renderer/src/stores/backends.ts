import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { BackendReport } from '../../../common/contract/engine'
import { invoke } from '../api/client'

/** Which training backend is active and why faster ones are missing. */
export const useBackendsStore = defineStore('backends', () => {
  const report = ref<BackendReport | null>(null)
  const failed = ref<string | null>(null)

  async function load(refresh = false): Promise<void> {
    try {
      report.value = await invoke('engine:backends', { refresh })
      failed.value = null
    } catch (err) {
      failed.value = err instanceof Error ? err.message : String(err)
    }
  }

  return { report, failed, load }
})
