import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import type { AppInfo } from '../../../common/contract/app'
import type { Locale } from '../../../common/i18n'
import { invoke, onConnectionLost } from '../api/client'
import type { ConnectionProblem } from '../api/transport'
import { saveLocale } from '../i18n'

/** The studio's screens, in navigation order. */
export const VIEWS = ['home', 'data', 'build', 'train', 'evaluate', 'experiments', 'export'] as const
export type ViewId = (typeof VIEWS)[number]

function viewFromHash(): ViewId {
  const id = location.hash.replace(/^#\/?/, '')
  return (VIEWS as readonly string[]).includes(id) ? (id as ViewId) : 'home'
}

/** App-wide state: which screen is shown, the language, facts about the host, the connection. */
export const useAppStore = defineStore('app', () => {
  const { locale } = useI18n({ useScope: 'global' })
  const view = ref<ViewId>(viewFromHash())
  const info = ref<AppInfo | null>(null)
  const connectionLost = ref<ConnectionProblem | null>(null)

  watch(view, (id) => {
    if (viewFromHash() !== id) location.hash = `/${id}`
  })
  window.addEventListener('hashchange', () => (view.value = viewFromHash()))
  onConnectionLost((problem) => (connectionLost.value = problem))

  async function load(): Promise<void> {
    info.value = await invoke('app:info', {})
  }

  function setLocale(next: Locale): void {
    locale.value = next
    saveLocale(next)
    document.documentElement.lang = next
  }

  return { view, info, connectionLost, locale, load, setLocale }
})
