import path from 'node:path'
import { app, BrowserWindow, MessageChannelMain } from 'electron'
import { GPU_ENGINE_PORT_MESSAGE } from '../../common/gpu-engine'
import { cpuReferenceFrom } from '../engine/gpu/cpu-reference'
import { gpuEnginePort, type GpuHost } from '../engine/gpu/gpu-engine-port'
import type { FromGpuWorker, ToGpuWorker } from '../engine/gpu/gpu-protocol'
import type { EnginePort } from '../engine/process/protocol'

/**
 * Opens the GPU engine host: a hidden, sandboxed window (never throttled in the background) whose Worker runs
 * TF.js on WebGPU or WebGL, connected to main by a MessageChannelMain port. Batches are copied over the port:
 * Electron cannot transfer ArrayBuffers between main and a renderer.
 */
export function openGpuEngineWindow(outDir: string): GpuHost {
  const win = new BrowserWindow({
    show: false,
    webPreferences: {
      preload: path.join(outDir, 'preload', 'gpu-engine.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      backgroundThrottling: false,
      spellcheck: false
    }
  })
  const { port1, port2 } = new MessageChannelMain()
  const goneListeners: Array<(reason: string) => void> = []
  const gone = (reason: string) => goneListeners.splice(0).forEach((l) => l(reason))
  win.webContents.on('will-navigate', (event) => event.preventDefault())
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  win.webContents.on('render-process-gone', (_event, details) => gone(`the GPU engine's window ended (${details.reason})`))
  win.on('closed', () => gone('the GPU engine window closed'))
  win.webContents.once('did-finish-load', () => win.webContents.postMessage(GPU_ENGINE_PORT_MESSAGE, null, [port2]))
  void win.loadFile(path.join(outDir, 'renderer', 'gpu-engine.html'))
  port1.start()
  return {
    port: {
      postMessage: (message: ToGpuWorker) => port1.postMessage(message),
      onMessage: (listener) => port1.on('message', (event) => listener(event.data as FromGpuWorker))
    },
    onGone: (listener) => void goneListeners.push(listener),
    close: () => {
      goneListeners.length = 0
      port1.close()
      if (!win.isDestroyed()) win.destroy()
    }
  }
}

/** True when Chromium reports hardware-accelerated WebGL or WebGPU here (not disabled, not software-only). */
export function hardwareGpuReported(): boolean {
  const status = app.getGPUFeatureStatus() as unknown as Record<string, string | undefined>
  return [status.webgl2, status.webgpu].some((s) => s !== undefined && s.startsWith('enabled') && !s.includes('software'))
}

/**
 * The GPU engine for one training job, or null where Chromium reports no hardware GPU at all (then the CPU engine
 * trains). The job itself still checks the renderer is no software one and calibrates against the CPU engine
 * (`launchCpu`), which times the same model and batch on its own backend.
 */
export function launchGpuEngine(outDir: string, launchCpu: () => EnginePort): EnginePort | null {
  if (!hardwareGpuReported()) return null
  return gpuEnginePort(openGpuEngineWindow(outDir), { allowSoftware: false, calibrate: true, cpuReference: cpuReferenceFrom(launchCpu) })
}
