import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { BaseInfo } from '../../../common/model/bases'
import { invoke } from '../api/client'
import { uploadFiles, type PickedFile } from '../api/upload'

/** The pretrained bases imported into the open project, by id, and importing another. */
export const useBasesStore = defineStore('bases', () => {
  const list = ref<BaseInfo[]>([])
  const error = ref<unknown>(null)
  const byId = computed<Record<string, BaseInfo>>(() => Object.fromEntries(list.value.map((b) => [b.id, b])))

  async function load(): Promise<void> {
    list.value = await invoke('model:bases', {})
  }

  /** Imports a TF.js model folder (or its model.json) on this computer, or picked files sent as an upload; null on failure. */
  async function importFrom(source: string | readonly PickedFile[]): Promise<BaseInfo | null> {
    try {
      let request: { path: string } | { uploadId: string }
      if (typeof source === 'string') request = { path: source }
      else {
        const uploadId = `base${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
        await uploadFiles(uploadId, source, () => undefined)
        request = { uploadId }
      }
      const base = await invoke('model:import-base', request)
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
