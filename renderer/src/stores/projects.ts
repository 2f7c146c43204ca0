import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ProjectSummary, RecentProject } from '../../../common/contract/project'
import { invoke, on } from '../api/client'

/** The open project and the recent-projects list. */
export const useProjectsStore = defineStore('projects', () => {
  const current = ref<ProjectSummary | null>(null)
  const recent = ref<RecentProject[]>([])

  on('project:changed', ({ current: next }) => {
    current.value = next
    void refreshRecent()
  })

  async function refreshRecent(): Promise<void> {
    recent.value = await invoke('project:recent', {})
  }

  async function load(): Promise<void> {
    current.value = await invoke('project:current', {})
    await refreshRecent()
  }

  async function create(name: string): Promise<ProjectSummary> {
    const summary = await invoke('project:create', { name })
    current.value = summary
    await refreshRecent()
    return summary
  }

  async function open(path: string): Promise<ProjectSummary> {
    const summary = await invoke('project:open', { path })
    current.value = summary
    await refreshRecent()
    return summary
  }

  /** Desktop only: a project folder picked in the system's dialog (which also allows Strata to open it), or null. */
  async function pick(): Promise<string | null> {
    return (await invoke('project:pick', {})).path
  }

  /** Changes some of the open project's recommended training settings (Train starts from them). */
  async function setTrainingDefaults(changes: { classWeights?: 'none' | 'balanced' }): Promise<void> {
    current.value = await invoke('project:set-training-defaults', { changes })
  }

  return { current, recent, load, create, open, pick, refreshRecent, setTrainingDefaults }
})
