import { contextBridge, ipcRenderer } from 'electron'
import { isChannelName, isEventName } from '../../common/contract/channels'

/** The only API the renderer gets: invoke a contract channel, or listen to a contract event. */
const bridge = {
  invoke(channel: string, payload: unknown): Promise<unknown> {
    if (!isChannelName(channel)) return Promise.reject(new Error(`Unknown channel: ${channel}`))
    return ipcRenderer.invoke(channel, payload)
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (!isEventName(event)) throw new Error(`Unknown event: ${event}`)
    const wrapped = (_e: Electron.IpcRendererEvent, payload: unknown): void => listener(payload)
    ipcRenderer.on(event, wrapped)
    return () => void ipcRenderer.removeListener(event, wrapped)
  }
}

contextBridge.exposeInMainWorld('strata', bridge)

/** The shape of `window.strata`, for the renderer's API client. */
export type StrataBridge = typeof bridge
