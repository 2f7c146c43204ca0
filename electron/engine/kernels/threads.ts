/**
 * Multithreaded WebAssembly for training on every core.
 *
 * tfjs-backend-wasm 4.22 ships a threaded SIMD build (XNNPACK on a pthreadpool of emscripten Web Workers, which under
 * Node are worker_threads) but never uses it in Node, for three reasons this module works around while the backend
 * starts, and only then:
 * - its WASM_HAS_MULTITHREAD_SUPPORT flag answers false whenever it runs in Node: set here to true;
 * - it hands the pthread worker script to `new Worker` as a Blob URL, which Node refuses: while the backend starts,
 *   `URL.createObjectURL` answers that Blob with a file holding the same script, written to the temp folder;
 *   that script is told to load the threaded factory from its file in the package (the Blob the backend posts it holds
 *   the factory as the bundler rewrote it, which does not run outside the bundle);
 * - it sizes its thread pool as half the logical cores (assuming hyper-threads), so a 2-core laptop gets one thread:
 *   while the backend starts, `os.cpus()` lists every core twice, so the pool gets one thread per core.
 * Everything is put back once the backend has started. Where threads cannot work (no SharedArrayBuffer, one core),
 * nothing is changed and the backend starts single-threaded as before.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { hasLayerFlag } from '../../../common/model/catalog'
import { ModelSpecSchema } from '../../../common/model/spec'
import { useConvThreads } from './conv-gemm'
import type { ConvWorkerData } from './conv-tasks'

type Tf = typeof import('@tensorflow/tfjs')

/** How many threads the wasm backend's thread pool may use: every core this process may run on, at most 8 (the pool the build pre-creates). */
export function wasmThreadCount(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  return Math.max(1, Math.min(8, cores))
}

/**
 * Whether training this model spec gains from XNNPACK's threads. Models of dense, recurrent and embedding layers are
 * many small kernels a step (batches of 32 rows): waking a second thread for each costs more than it saves (the seed
 * MLP trains slower with two threads: the cpu-vs-pytorch bench measures both), so they keep one. A spec that cannot
 * be read gets threads.
 */
export function wasmThreadsPay(spec: unknown): boolean {
  const parsed = ModelSpecSchema.safeParse(spec)
  return !parsed.success || parsed.data.nodes.some((n) => hasLayerFlag(n.type, 'threaded'))
}

interface WasmPackageFiles {
  /** The pthread worker script, as the package ships it (a module that exports it as a string). */
  workerContents: string
  /** The threaded factory as a plain script, for the workers to load. */
  factoryFile: string
}

function wasmPackageFiles(): WasmPackageFiles | null {
  try {
    const require = createRequire(__filename)
    const root = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))
    const factoryFile = path.join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js')
    const { wasmWorkerContents } = require(path.join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: unknown }
    if (typeof wasmWorkerContents !== 'string' || !fs.existsSync(factoryFile)) return null
    return { workerContents: wasmWorkerContents, factoryFile }
  } catch {
    return null
  }
}

/** The worker script: the package's, with its 'load' message pointed at the factory's file instead of the Blob. */
function workerScript(files: WasmPackageFiles): string {
  // The backend escapes newlines the same way before it makes its Blob: the string's own escapes must survive.
  const packaged = files.workerContents.replace(/\n/g, '\\n')
  const redirect = `
;(() => {
  const handle = self.onmessage
  self.onmessage = (e) => {
    if (e.data && e.data.cmd === 'load' && typeof e.data.urlOrBlob !== 'string') e.data.urlOrBlob = ${JSON.stringify(files.factoryFile)}
    handle(e)
  }
})()
`
  return packaged + redirect
}

/** How to start conv-gemm's worker thread: its built file, or its script bundled from the sources. */
export type ConvWorkerScript = { file: string } | { source: string }

let convWorkerScript: ConvWorkerScript | null = null

/**
 * conv-worker.ts as a worker can run it, seen from the folder of the module that starts it (`moduleDir`): beside the
 * TypeScript sources (tests, benchmarks) it is bundled from them (esbuild is a development tool, never loaded by the
 * built app); the built engine finds it beside its bundle (out/main/conv-worker.js, an entry of electron.vite.config.ts).
 * Null where neither is there: the convolutions then run on the engine's thread alone.
 */
export function findConvWorker(moduleDir: string): ConvWorkerScript | null {
  const sourceFile = path.join(moduleDir, 'conv-worker.ts')
  if (fs.existsSync(sourceFile)) {
    try {
      const esbuild = createRequire(__filename)('esbuild') as typeof import('esbuild')
      const built = esbuild.buildSync({ entryPoints: [sourceFile], bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'silent' })
      return { source: built.outputFiles[0].text }
    } catch {
      return null
    }
  }
  // The bundle's shared chunks sit one folder below its entries.
  const file = [moduleDir, path.dirname(moduleDir)].map((dir) => path.join(dir, 'conv-worker.js')).find((f) => fs.existsSync(f))
  return file ? { file } : null
}

/** A conv-gemm worker thread, which does not keep the process alive. */
export function spawnConvWorker(script: ConvWorkerScript, workerData: ConvWorkerData): Worker {
  const worker = 'file' in script ? new Worker(script.file, { workerData }) : new Worker(script.source, { eval: true, workerData })
  worker.unref()
  return worker
}

/**
 * Starts the `wasm` backend with one XNNPACK thread per core where that can work (unless `threaded` is false), else
 * single-threaded; resolves to whether the backend started and how many threads it uses. Call it instead of
 * `tf.setBackend('wasm')` the first time; a backend that already started keeps its threads for the life of the process.
 */
export async function startWasmBackend(tf: Tf, threaded = true): Promise<{ started: boolean; threads: number }> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm')
  const threads = threaded ? wasmThreadCount() : 1
  const files = threads > 1 && typeof SharedArrayBuffer === 'function' ? wasmPackageFiles() : null
  if (tf.findBackend('wasm') != null || files == null) {
    const started = await tf.setBackend('wasm')
    return { started, threads: started ? wasm.getThreadsCount() : 0 }
  }
  // Found before the globals below are patched and the temporary script exists (bundling it can take a moment).
  convWorkerScript ??= findConvWorker(__dirname)
  const convWorker = convWorkerScript
  const scriptFile = path.join(os.tmpdir(), `strata-wasm-worker-${process.pid}-${Date.now()}.cjs`)
  fs.writeFileSync(scriptFile, workerScript(files))
  const createObjectURL = URL.createObjectURL
  const cpus = os.cpus
  try {
    URL.createObjectURL = (obj: Blob) => (obj.type === 'application/javascript' ? scriptFile : createObjectURL(obj))
    os.cpus = () => {
      const listed = cpus()
      return [...listed, ...listed]
    }
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true)
    wasm.setThreadsCount(threads)
    if (await tf.setBackend('wasm')) {
      // The engine's convolutions share their tasks with as many threads of their own (conv-gemm.ts).
      if (convWorker) useConvThreads({ count: wasm.getThreadsCount(), spawn: (data) => spawnConvWorker(convWorker, data) })
      return { started: true, threads: wasm.getThreadsCount() }
    }
  } finally {
    URL.createObjectURL = createObjectURL
    os.cpus = cpus
    // Every pool worker has read its script by the time the backend resolves (it waits for each one's 'loaded').
    fs.rmSync(scriptFile, { force: true })
  }
  // The threaded build could not start here: the single-threaded one can.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
  wasm.setThreadsCount(1)
  const started = await tf.setBackend('wasm')
  return { started, threads: started ? wasm.getThreadsCount() : 0 }
}
