import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { SampleLine } from '../../../common/contract/sample'
import { invoke, on } from '../api/client'
import { useProjectsStore } from './projects'

/** Sample projects listed on Home, and the one being prepared. */
export const useSamplesStore = defineStore('samples', () => {
  const samples = ref<SampleLine[]>([])
  const preparing = ref<{ id: string; step: 'project' | 'data' | 'model' | 'done'; done: number; total: number } | null>(null)

  on('sample:progress', (p) => (preparing.value = p.step === 'done' ? null : p))

  async function load(): Promise<void> {
    samples.value = await invoke('sample:list', {})
  }

  async function open(id: string, quick = false): Promise<void> {
    const projects = useProjectsStore()
    try {
      const summary = await invoke('sample:open', { id, quick })
      projects.current = summary
      await Promise.all([load(), projects.refreshRecent()])
    } finally {
      preparing.value = null
    }
  }

  return { samples, preparing, load, open }
})
