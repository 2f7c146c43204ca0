import * as tf from '@tensorflow/tfjs'
// Registers the WebGPU backend beside WebGL; detection decides whether either really runs on a GPU.
import '@tensorflow/tfjs-backend-webgpu'
import { serveGpuEngine } from './gpu-job'
import type { FromGpuWorker, ToGpuWorker } from './gpu-protocol'

/** The parts of a DOM MessagePort this entry uses (the node type config has no DOM library). */
interface DomPort {
  postMessage(message: unknown): void
  onmessage: ((event: { data: unknown }) => void) | null
}

/** The Worker entry of the GPU engine: its first message carries the port to main, and from then on it serves it. */
const scope = globalThis as unknown as { onmessage: ((event: { ports: readonly DomPort[] }) => void) | null }
scope.onmessage = (event) => {
  const port = event.ports[0]
  if (!port) return
  scope.onmessage = null
  serveGpuEngine(tf, {
    postMessage: (message: FromGpuWorker) => port.postMessage(message),
    onMessage: (listener) => (port.onmessage = (e) => listener(e.data as ToGpuWorker))
  })
}
