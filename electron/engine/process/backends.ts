import { createRequire } from 'node:module'
import type { BackendId, BackendReport, BackendStatus } from '../../../common/contract'
import { registerMissingWasmKernels } from '../kernels'
import { startWasmBackend } from '../kernels/threads'

type Tf = typeof import('@tensorflow/tfjs')

/** The native TensorFlow packages, tried in this order; each may be missing (they are optional installs). */
const NATIVE_PACKAGES: ReadonlyArray<{ id: BackendId; pkg: string }> = [
  { id: 'node-gpu', pkg: '@tensorflow/tfjs-node-gpu' },
  { id: 'node', pkg: '@tensorflow/tfjs-node' }
]

const CUDA_HINT = /cuda|cudnn|libcu|nvidia|gpu/i

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 300)
}

function isInstalled(pkg: string): boolean {
  try {
    createRequire(__filename).resolve(`${pkg}/package.json`)
    return true
  } catch {
    return false
  }
}

async function probeNative(id: BackendId, pkg: string, alreadyNative: boolean): Promise<BackendStatus> {
  if (!isInstalled(pkg)) {
    return { id, available: false, reason: { key: 'notInstalled', params: { backend: pkg } }, features: {} }
  }
  if (alreadyNative) {
    return { id, available: false, reason: { key: 'gpuPreferred', params: {} }, features: {} }
  }
  try {
    // A variable specifier keeps bundlers and the type checker from requiring an optional package.
    const specifier: string = pkg
    await import(specifier)
    return { id, available: true, features: {} }
  } catch (err) {
    const detail = firstLine(err)
    const key = id === 'node-gpu' && CUDA_HINT.test(detail) ? 'noGpu' : 'loadFailed'
    return { id, available: false, reason: { key, params: { backend: pkg } }, detail, features: {} }
  }
}

async function probeWasm(tf: Tf, threaded: boolean): Promise<BackendStatus> {
  try {
    // Resolves started: false (and TF.js silently stays on another backend) when wasm cannot start.
    const { started, threads } = await startWasmBackend(tf, threaded)
    if (!started || tf.getBackend() !== 'wasm') {
      return { id: 'wasm', available: false, reason: { key: 'wasmFailed', params: {} }, features: {} }
    }
    const sum = tf.tidy(() => tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0])
    if (sum !== 5) throw new Error(`wasm self-test computed 2 + 3 = ${sum}`)
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))
    return { id: 'wasm', available: true, features: { simd, threads: threads > 1 } }
  } catch (err) {
    return { id: 'wasm', available: false, reason: { key: 'wasmFailed', params: {} }, detail: firstLine(err), features: {} }
  }
}

async function probeCpu(tf: Tf): Promise<BackendStatus> {
  const started = await tf.setBackend('cpu')
  return started
    ? { id: 'cpu', available: true, features: {} }
    : { id: 'cpu', available: false, reason: { key: 'loadFailed', params: { backend: 'cpu' } }, features: {} }
}

/**
 * How the backends start. `wasmThreads`: run WebAssembly's XNNPACK on a thread per core (training jobs ask for it where
 * it pays, see wasmThreadsPay); off by default, because live pool threads keep a process from ending on its own.
 */
export interface BackendOptions {
  wasmThreads?: boolean
}

/**
 * Tries every training backend at run time, best first, and reports which can train here and why the others cannot.
 * Loads TensorFlow.js into the calling process, so hosts call it in the engine process.
 */
export async function probeBackends(options: BackendOptions = {}): Promise<BackendReport> {
  const statuses: BackendStatus[] = []
  let nativeLoaded = false
  for (const { id, pkg } of NATIVE_PACKAGES) {
    const status = await probeNative(id, pkg, nativeLoaded)
    nativeLoaded ||= status.available
    statuses.push(status)
  }
  const tf = await import('@tensorflow/tfjs')
  statuses.push(await probeWasm(tf, options.wasmThreads ?? false))
  statuses.push(await probeCpu(tf))
  const chosen = statuses.find((s) => s.available)?.id ?? 'cpu'
  for (const s of statuses) {
    if (s.available && s.id !== chosen) s.reason = { key: 'slower', params: {} }
  }
  return { backends: statuses, chosen, checkedAt: new Date().toISOString() }
}

/** TF.js's own name for each backend once loaded. */
const TF_BACKEND_NAME: Record<BackendId, string> = { 'node-gpu': 'tensorflow', node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' }

/** The backend a job trains on, with the plain reason each better one was not used. */
export interface BackendChoice {
  backend: BackendId
  reasons: Array<{ id: BackendId; reason: string }>
}

/**
 * Probes the backends, then switches TF.js to the preferred one (or the best available for `auto`),
 * falling back down the list when the preferred one cannot run here.
 */
export async function selectBackend(
  preference: BackendId | 'auto', explain: (reason: { key: string; params: Record<string, string | number> }) => string, options: BackendOptions = {}
): Promise<BackendChoice> {
  const report = await probeBackends(options)
  const tf = await import('@tensorflow/tfjs')
  const order = report.backends.filter((b) => b.available).map((b) => b.id)
  const wanted = preference === 'auto' ? order : [preference, ...order.filter((id) => id !== preference)]
  const reasons: BackendChoice['reasons'] = []
  for (const id of wanted) {
    const status = report.backends.find((b) => b.id === id)
    if (!status?.available) {
      if (status?.reason) reasons.push({ id, reason: explain(status.reason) })
      continue
    }
    if (await tf.setBackend(TF_BACKEND_NAME[id])) {
      // tfjs-backend-wasm ships without some gradient kernels training needs; Strata supplies them.
      if (id === 'wasm') registerMissingWasmKernels(tf)
      for (const b of report.backends) {
        if (b.id !== id && !b.available && b.reason && !reasons.some((r) => r.id === b.id)) reasons.push({ id: b.id, reason: explain(b.reason) })
      }
      return { backend: id, reasons }
    }
    reasons.push({ id, reason: `TF.js refused to switch to ${id}` })
  }
  throw new Error('No TensorFlow.js backend could start on this computer.')
}
