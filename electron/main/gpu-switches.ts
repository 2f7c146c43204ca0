import { app } from 'electron'

/**
 * Chromium switches for the GPU engine, set before the app is ready. On Linux, Electron leaves WebGPU off and
 * Chromium reaches it only through Vulkan; both are enabled there so a real GPU can be used through WebGPU. The GPU
 * engine still refuses fallback (software) adapters and calibrates against the CPU, so a machine where Vulkan
 * only offers SwiftShader or llvmpipe trains on the CPU as before. macOS (Metal) and Windows (D3D12) need nothing.
 */
export function configureGpuSwitches(): void {
  if (process.platform !== 'linux') return
  app.commandLine.appendSwitch('enable-unsafe-webgpu')
  app.commandLine.appendSwitch('enable-features', 'Vulkan')
}
