/**
 * A worker thread of conv-gemm's pool: its own entry, built into out/main/conv-worker.js (and bundled from this file
 * where the engine runs from its sources, see threads.ts). It instantiates the pool's module over the backend's shared
 * memory and takes tasks until the process ends. Node-only, like threads.ts.
 */
import { workerData } from 'node:worker_threads'
import { CONTROL, convWorkerLoop, type ConvTaskKernels, type ConvWorkerData } from './conv-tasks'
import { wasmApi } from './emit'

const { memory, module, control, thread } = workerData as ConvWorkerData
if (!wasmApi) throw new Error('this worker thread has no WebAssembly')
const kernels = new wasmApi.Instance(module, { env: { memory } }).exports as unknown as ConvTaskKernels
const words = new Int32Array(control)
Atomics.add(words, CONTROL.started, 1)
convWorkerLoop(kernels, words, thread)
