import { ipcRenderer } from 'electron'
import { GPU_ENGINE_PORT_MESSAGE } from '../../common/gpu-engine'

/** The hidden GPU engine window's only bridge: passes main's message port on to the page, which gives it to its Worker. */
const page = globalThis as unknown as { postMessage(message: unknown, targetOrigin: string, transfer: unknown[]): void }
ipcRenderer.once(GPU_ENGINE_PORT_MESSAGE, (event) => page.postMessage(GPU_ENGINE_PORT_MESSAGE, '*', event.ports))
