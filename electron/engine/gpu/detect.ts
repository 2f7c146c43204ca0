import type * as tfType from '@tensorflow/tfjs'

type Tf = typeof tfType

/** The GPU backends of TensorFlow.js, best first. */
export const GPU_BACKENDS = ['webgpu', 'webgl'] as const
export type GpuBackendId = (typeof GPU_BACKENDS)[number]

/** Renderer and adapter names that mean the "GPU" is a CPU emulating one: training there is slower than the CPU path. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|lavapipe|software|basic render|mesa offscreen|subzero/i

/** True when a WebGL renderer string (WEBGL_debug_renderer_info) names a software rasteriser rather than a GPU. */
export function isSoftwareRenderer(renderer: string): boolean {
  return SOFTWARE_RENDERER.test(renderer)
}

/**
 * A short name for a WebGL renderer string: ANGLE's wrapping (vendor, API, shader model, PCI id) is dropped, so
 * "ANGLE (Apple, ANGLE Metal Renderer: Apple M2, Unspecified Version)" reads "Apple M2".
 */
export function gpuName(renderer: string): string {
  const angle = /^ANGLE \((.*)\)$/.exec(renderer.trim())
  const parts = angle ? angle[1].split(', ') : []
  const device = parts.length >= 3 ? parts.slice(1, -1).join(', ') : renderer
  return device
    .replace(/^ANGLE \w+ Renderer: /, '')
    .replace(/ Direct3D\S*( vs_\S+)?( ps_\S+)?$/, '')
    .replace(/ \(0x[0-9a-f]+\)/gi, '')
    .trim()
}

/** What a WebGPU adapter says about itself (`GPUAdapter.info`). */
export interface AdapterInfo {
  vendor?: string
  architecture?: string
  device?: string
  description?: string
  isFallbackAdapter?: boolean
}

/** True when a WebGPU adapter is a fallback (software) adapter such as SwiftShader. */
export function isSoftwareAdapter(info: AdapterInfo): boolean {
  if (info.isFallbackAdapter) return true
  return isSoftwareRenderer([info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' '))
}

/** A readable name for a WebGPU adapter ("apple metal-3", "nvidia ampere"). */
export function adapterName(info: AdapterInfo): string {
  return [info.vendor, info.architecture || info.device || info.description].filter(Boolean).join(' ') || 'unknown GPU'
}

/** Why a GPU backend was not used: a message key under `backends.reasons` with its parameters. */
export interface GpuSkip {
  id: GpuBackendId
  key: 'gpuNotInstalled' | 'gpuNoAdapter' | 'gpuSoftware' | 'gpuStartFailed'
  params: Record<string, string | number>
}

/** The outcome of {@link detectGpuBackend}: the backend TF.js now runs on (or none), and why the others were skipped. */
export interface GpuDetection {
  backend: GpuBackendId | null
  /** The device's own name: the WebGL renderer string or the WebGPU adapter's vendor and architecture. */
  device: string | null
  /** True when `device` is a software renderer that was used only because the caller allowed it. */
  software: boolean
  /** The largest texture side (WebGL) or buffer size in floats (WebGPU): the model's largest tensor must fit. */
  maxTensorElements: number | null
  skipped: GpuSkip[]
}

/** The few parts of a worker's global scope detection reads; absent outside browsers. */
interface GpuGlobals {
  navigator?: { gpu?: { requestAdapter(): Promise<{ info?: AdapterInfo; limits?: { maxStorageBufferBindingSize?: number } } | null> } }
}

interface WebglContext {
  getExtension(name: string): unknown
  getParameter(p: number): unknown
  RENDERER: number
}

/** WEBGL_debug_renderer_info's UNMASKED_RENDERER_WEBGL. */
const UNMASKED_RENDERER_WEBGL = 0x9246

function webglRenderer(tf: Tf): string {
  const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebglContext } }).gpgpu?.gl
  if (!gl) return 'unknown renderer'
  const unmasked = gl.getExtension('WEBGL_debug_renderer_info') ? gl.getParameter(UNMASKED_RENDERER_WEBGL) : null
  return String(unmasked ?? gl.getParameter(gl.RENDERER))
}

/**
 * Switches TF.js to the best GPU backend that really runs on a GPU: WebGPU when its backend is registered, an
 * adapter exists and it is not a fallback (software) adapter; else WebGL when `setBackend` succeeds and the
 * renderer is not a software one. `tf.getBackend()` keeps naming a backend whose `setBackend` failed, so only
 * `setBackend`'s result counts. `allowSoftware` accepts software renderers (SwiftShader) for tests; `backends`
 * limits which are tried. When no GPU backend qualifies, TF.js is left on `cpu` and `backend` is null.
 */
export async function detectGpuBackend(tf: Tf, options: { allowSoftware: boolean; backends?: readonly GpuBackendId[] }): Promise<GpuDetection> {
  const skipped: GpuSkip[] = []
  const wanted = options.backends ?? GPU_BACKENDS
  if (wanted.includes('webgpu')) {
    const found = await tryWebgpu(tf, options.allowSoftware, skipped)
    if (found) return found
  }
  if (wanted.includes('webgl')) {
    const found = await tryWebgl(tf, options.allowSoftware, skipped)
    if (found) return found
  }
  await tf.setBackend('cpu')
  return { backend: null, device: null, software: false, maxTensorElements: null, skipped }
}

async function tryWebgpu(tf: Tf, allowSoftware: boolean, skipped: GpuSkip[]): Promise<GpuDetection | null> {
  const gpu = (globalThis as GpuGlobals).navigator?.gpu
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null
  if (!adapter) {
    skipped.push({ id: 'webgpu', key: 'gpuNoAdapter', params: {} })
    return null
  }
  const info = adapter.info ?? {}
  const software = isSoftwareAdapter(info)
  if (software && !allowSoftware) skipped.push({ id: 'webgpu', key: 'gpuSoftware', params: { device: adapterName(info) } })
  else if (!tf.findBackendFactory('webgpu')) skipped.push({ id: 'webgpu', key: 'gpuNotInstalled', params: { backend: 'webgpu' } })
  else if (!(await tf.setBackend('webgpu').catch(() => false))) skipped.push({ id: 'webgpu', key: 'gpuStartFailed', params: { backend: 'WebGPU' } })
  else {
    const bytes = adapter.limits?.maxStorageBufferBindingSize ?? null
    return { backend: 'webgpu', device: adapterName(info), software, maxTensorElements: bytes === null ? null : Math.floor(bytes / 4), skipped }
  }
  return null
}

async function tryWebgl(tf: Tf, allowSoftware: boolean, skipped: GpuSkip[]): Promise<GpuDetection | null> {
  if (!(await tf.setBackend('webgl').catch(() => false))) {
    skipped.push({ id: 'webgl', key: 'gpuStartFailed', params: { backend: 'WebGL' } })
    return null
  }
  const renderer = webglRenderer(tf)
  const software = isSoftwareRenderer(renderer)
  const device = gpuName(renderer)
  if (software && !allowSoftware) {
    skipped.push({ id: 'webgl', key: 'gpuSoftware', params: { device } })
    return null
  }
  const side = tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE')
  return { backend: 'webgl', device, software, maxTensorElements: side * side, skipped }
}
