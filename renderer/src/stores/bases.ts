import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { BaseInfo } from '../../../common/model/bases'
import { invoke, on } from '../api/client'
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

  /** Desktop only: a folder picked in the system's dialog, or null when cancelled. */
  async function pickFolder(): Promise<string | null> {
    return (await invoke('dataset:pick-source', { folder: true })).path
  }

  /** The running download: its id, bytes so far and total (once the model's manifest is read). */
  const download = ref<{ id: string; done: number; total: number | null } | null>(null)
  /** The last download's error (offline, checksum, cancelled), apart from the import's. */
  const downloadError = ref<unknown>(null)

  /** Downloads a TF.js model once into the app cache (checked against its sha256) and imports it; null on failure. */
  async function downloadFrom(source: { name: string; url: string; sha256: string }): Promise<BaseInfo | null> {
    const id = `dl${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
    download.value = { id, done: 0, total: null }
    downloadError.value = null
    const stop = on('model:download-progress', (p) => {
      if (p.downloadId === id && download.value?.id === id) download.value = { id, done: p.done, total: p.total }
    })
    try {
      const base = await invoke('model:download-base', { ...source, downloadId: id })
      await load()
      return base
    } catch (err) {
      downloadError.value = err
      return null
    } finally {
      stop()
      download.value = null
    }
  }

  /** Stops the running download (nothing is kept). */
  async function cancelDownload(): Promise<void> {
    if (download.value) await invoke('model:cancel-download', { downloadId: download.value.id })
  }

  return { list, byId, error, load, importFrom, pickFolder, download, downloadError, downloadFrom, cancelDownload }
})
