import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { BaseInfo } from '../../../common/model/bases'
import { invoke } from '../api/client'

/** The pretrained bases imported into the open project, by id, and importing another. */
export const useBasesStore = defineStore('bases', () => {
  const list = ref<BaseInfo[]>([])
  const error = ref<unknown>(null)
  const byId = computed<Record<string, BaseInfo>>(() => Object.fromEntries(list.value.map((b) => [b.id, b])))

  async function load(): Promise<void> {
    list.value = await invoke('model:bases', {})
  }

  /** Imports a TF.js model folder (or its model.json) on this computer; resolves to the new base, or null on failure. */
  async function importFrom(path: string): Promise<BaseInfo | null> {
    try {
      const base = await invoke('model:import-base', { path })
      error.value = null
      await load()
      return base
    } catch (err) {
      error.value = err
      return null
    }
  }

  return { list, byId, error, load, importFrom }
})
