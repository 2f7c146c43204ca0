import { GPU_ENGINE_PORT_MESSAGE } from '../../../common/gpu-engine'

// The hidden GPU engine window: TF.js trains in a dedicated Worker (never on this page's thread, so a hidden or
// throttled window does not stall it); this page only hands it the port to main that the preload passes on.
const worker = new Worker(new URL('../../../electron/engine/gpu/gpu-worker.ts', import.meta.url), { type: 'module', name: 'strata-gpu-engine' })

window.addEventListener('message', (event) => {
  if (event.source !== window || event.data !== GPU_ENGINE_PORT_MESSAGE || !event.ports[0]) return
  worker.postMessage(null, [event.ports[0]])
})
