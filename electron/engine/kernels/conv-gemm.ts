/**
 * Convolutions as blocked matrix products on every core: the forward pass, the filter gradient and the input gradient
 * of an NHWC Conv2D (dilation 1), for the wasm backend (see tf-kernels.ts, which routes its kernels here).
 *
 * Each runs over the patch matrix P of the input (patches.ts: a row per output pixel, a column per filter tap and
 * channel), a block of rows at a time so that the block stays in the core's cache, through the engine's SIMD product
 * (gemm.ts):
 * - forward: y[rows] = P[rows] · W, each block straight into its rows of y;
 * - filter gradient: dW = Σ over blocks of P[rows]ᵀ · dy[rows], each task summing its own blocks into its own partial
 *   sum, the partials added in task order at the end (so a run's numbers do not depend on which thread took which task);
 * - input gradient: dx = the patch matrix's adjoint applied to dy · Wᵀ, a few images per task (their dx is theirs alone).
 *
 * Tasks are shared between the engine's thread and worker threads that instantiate the same kernels over the same
 * memory (the threaded build's, which is shared), so XNNPACK's pool and these use the same cores at different times.
 * A worker sleeps as soon as it finds no task: one still spinning takes the core XNNPACK's pool wants next (the pooling
 * after a convolution measured twice as slow then), and waking it costs less than a task.
 * Measured alone on this 2-core machine, the seed CNN's second layer: forward 1.7–2.0 ms (XNNPACK: 1.9), filter
 * gradient 1.6–2.0 ms (XNNPACK, as a convolution with few output pixels and a long sum: 3.8–4.0), input gradient
 * 1.7–2.0 ms (XNNPACK on a zero-spread dy: 3–4).
 *
 * Claims go through one shared word: the job's number and the next task (255 = closed). The engine's thread closes it
 * before it writes a new job's arguments and opens it after, and a worker claims by compare-and-swap on the value it
 * read the arguments under, so a claim made on stale arguments fails.
 */
import { gemmFunction, type GemmKernel } from './gemm'
import { patchFunctions, type PatchGeometry, type PatchKernels } from './patches'
import { moduleBytes, wasmApi } from './emit'

/**
 * How to start worker threads, handed in by the Node side (threads.ts, when it starts the threaded build): this
 * module is also bundled into the GPU engine's browser Worker, where it runs every task on its own thread.
 */
export interface ConvThreads {
  /** Threads the tasks may use, the engine's included. */
  count: number
  /** Starts a worker that evaluates `source` (a CommonJS script) with `workerData`; it must not keep the process alive. */
  spawn(source: string, workerData: object): { on(event: 'error' | 'exit', listener: () => void): unknown }
}

let threads: ConvThreads | null = null

/** Lets memories whose pool has not started yet share their convolutions' tasks with worker threads. */
export function useConvThreads(given: ConvThreads): void {
  threads = given
}

/** The shapes of one NHWC convolution, as tfjs's computeConv2DInfo gives them (padding as the top and left offsets). */
export interface ConvShape {
  batchSize: number
  inHeight: number
  inWidth: number
  inChannels: number
  filterHeight: number
  filterWidth: number
  outHeight: number
  outWidth: number
  outChannels: number
  strideHeight: number
  strideWidth: number
  top: number
  left: number
}

type Kernels = PatchKernels & { gemm: GemmKernel }

/** Floats of patch matrix per block (256 KiB: the block and the filter stay in a core's L2 cache). */
const BLOCK_FLOATS = 1 << 16
/** Rows per block at most, so that even a narrow patch matrix (a first layer's) is cut into enough tasks. */
const MAX_BLOCK_ROWS = 256
/** Tasks per thread for the filter gradient: enough to even out the threads, few enough partial sums to add. */
const FILTER_TASKS_PER_THREAD = 4
/** At most this many tasks a job (the claim word's task field; 255 means closed). */
const MAX_TASKS = 254
/** How long the engine's thread waits for a worker to finish a task before it gives up, in milliseconds. */
const STALL_MS = 30_000

const [FORWARD, FILTER, INPUT] = [0, 1, 2]
// The job's arguments: kind, tasks, the 11 patch geometry values, batch, output channels, rows, rows (or images) per
// task, rows per block, scratch base and bytes per thread, the two operands, the result.
const ARG_COUNT = 23
/** Most threads a pool has (the threaded build's most, see threads.ts). */
const MAX_THREADS = 8
// The claim word holds the job's number << 8 | the next task (CLOSED: none to claim).
const LAYOUT: Layout = { claim: 0, done: 1, failed: 2, started: 3, args: 4, argCount: ARG_COUNT, tasksRun: 4 + ARG_COUNT }
const CONTROL_WORDS = LAYOUT.tasksRun + MAX_THREADS
const CLOSED = 255

/**
 * Runs task `task` of a job on thread `thread` (0 = the engine's). Written without outside names: the workers run its
 * source text.
 */
function runConvTask(k: Kernels, a: ArrayLike<number>, task: number, thread: number): void {
  const geometry = [a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12]] as PatchGeometry
  const [height, width, channels, filterHeight, filterWidth, outHeight, outWidth] = geometry
  const taps = filterHeight * filterWidth * channels
  const [batch, outChannels, rows, perTask, blockRows] = [a[13], a[14], a[15], a[16], a[17]]
  const scratch = a[18] + thread * a[19]
  if (a[0] === 2) {
    // Input gradient: images [b0, b1): dx there = 0, then for each block, dy · Wᵀ into scratch and back onto dx.
    const pixels = outHeight * outWidth
    const b0 = task * perTask
    const b1 = Math.min(batch, b0 + perTask)
    if (b0 >= b1) return
    k.zero(a[22] + b0 * height * width * channels * 4, (b1 - b0) * height * width * channels)
    for (let r0 = b0 * pixels; r0 < b1 * pixels; r0 += blockRows) {
      const r1 = Math.min(b1 * pixels, r0 + blockRows)
      k.gemm(a[20] + r0 * outChannels * 4, outChannels * 4, 4, a[21], taps * 4, scratch, taps * 4, r1 - r0, taps, outChannels, 0, 0)
      k.addPatches(scratch, taps * 4, a[22], r0, r1, ...geometry)
    }
    return
  }
  const start = task * perTask
  const end = Math.min(rows, start + perTask)
  for (let r0 = start; r0 < end; r0 += blockRows) {
    const r1 = Math.min(end, r0 + blockRows)
    k.patches(scratch, taps * 4, a[20], r0, r1, ...geometry)
    if (a[0] === 0) {
      k.gemm(scratch, taps * 4, 4, a[21], outChannels * 4, a[22] + r0 * outChannels * 4, outChannels * 4, r1 - r0, outChannels, taps, 0, 0)
    } else {
      // This task's partial dW += P[rows]ᵀ · dy[rows] (the first block overwrites it).
      const partial = a[22] + task * taps * outChannels * 4
      k.gemm(scratch, 4, taps * 4, a[21] + r0 * outChannels * 4, outChannels * 4, partial, outChannels * 4, taps, outChannels, r1 - r0, 0, r0 === start ? 0 : 1)
    }
  }
}

/** Where the control words are: the claim, tasks done, whether a task failed, workers started, the arguments, tasks run by each thread. */
interface Layout {
  claim: number
  done: number
  failed: number
  started: number
  args: number
  argCount: number
  tasksRun: number
}

/**
 * Claims and runs tasks of the open job (reading its arguments under the claim it makes) until none is left, and
 * returns the claim word as it last saw it; an error a task throws goes into `errors` and marks the job failed.
 * Written without outside names, like runConvTask.
 */
function takeTasks(k: Kernels, control: Int32Array, at: Layout, thread: number, args: number[], errors: unknown[]): number {
  for (;;) {
    const claim = Atomics.load(control, at.claim)
    const task = claim & 255
    if (task === 255 || task >= Atomics.load(control, at.args + 1)) return claim
    for (let i = 0; i < at.argCount; i++) args[i] = Atomics.load(control, at.args + i)
    if (Atomics.compareExchange(control, at.claim, claim, claim + 1) !== claim) continue
    try {
      runConvTask(k, args, task, thread)
    } catch (error) {
      errors.push(error)
      Atomics.store(control, at.failed, 1)
    }
    Atomics.add(control, at.tasksRun + thread, 1)
    Atomics.add(control, at.done, 1)
  }
}

/**
 * A worker's loop: take the open job's tasks, then sleep until the claim word changes from what it last saw (a job
 * opened since returns at once).
 */
function convWorkerLoop(k: Kernels, control: Int32Array, at: Layout, thread: number): void {
  const args = new Array<number>(at.argCount)
  const errors: unknown[] = []
  for (;;) {
    const seen = takeTasks(k, control, at, thread, args, errors)
    errors.length = 0
    Atomics.wait(control, at.claim, seen)
  }
}

// The functions' own text, whatever a bundler named them (a transpiler's name-keeping helper is made harmless).
const WORKER_SOURCE = `
const __name = (f) => f
const { workerData } = require('node:worker_threads')
${runConvTask.toString()}
${takeTasks.toString()}
const { memory, module, control, layout, thread } = workerData
const k = new WebAssembly.Instance(module, { env: { memory } }).exports
const words = new Int32Array(control)
Atomics.add(words, layout.started, 1)
;(${convWorkerLoop.toString()})(k, words, layout, thread)
`

/** The kernels over one memory, and the workers sharing its tasks. */
interface Pool {
  kernels: Kernels
  /** Threads that take tasks, the engine's included (what the tasks are cut for, whether or not the workers have started). */
  threads: number
  control: Int32Array | null
  broken: boolean
  job: number
}

const pools = new WeakMap<object, Pool | null>()

function startPool(memory: { buffer: ArrayBufferLike }): Pool | null {
  if (!wasmApi) return null
  const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer
  let module: object
  let kernels: Kernels
  try {
    module = new wasmApi.Module(moduleBytes(shared, [gemmFunction(), ...patchFunctions()]))
    kernels = new wasmApi.Instance(module, { env: { memory } }).exports as unknown as Kernels
  } catch {
    return null
  }
  const workers = shared && threads ? Math.max(1, Math.min(MAX_THREADS, threads.count)) - 1 : 0
  const pool: Pool = { kernels, threads: workers + 1, control: null, broken: false, job: 0 }
  if (workers === 0) return pool
  const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS))
  Atomics.store(control, LAYOUT.claim, CLOSED)
  pool.control = control
  for (let thread = 1; thread <= workers; thread++) {
    try {
      const worker = (threads as ConvThreads).spawn(WORKER_SOURCE, { memory, module, control: control.buffer, layout: LAYOUT, thread })
      worker.on('error', () => (pool.broken = true))
      worker.on('exit', () => (pool.broken = true))
    } catch {
      pool.broken = true
    }
  }
  return pool
}

/** The pool for a wasm memory (the backend's WebAssembly.Memory), started on first use; null where the kernels cannot run there. */
function poolFor(memory: unknown): Pool | null {
  if (!wasmApi || !(memory instanceof wasmApi.Memory)) return null
  if (!pools.has(memory)) pools.set(memory, startPool(memory as { buffer: ArrayBufferLike }))
  return pools.get(memory) ?? null
}

/** Runs every task of a job: on the engine's thread alone, or shared with the workers once they have all started. */
function runJob(pool: Pool, args: number[]): void {
  const tasks = args[1]
  const control = pool.control
  if (control == null || pool.broken || Atomics.load(control, LAYOUT.started) < pool.threads - 1 || tasks < 2) {
    for (let task = 0; task < tasks; task++) runConvTask(pool.kernels, args, task, 0)
    return
  }
  // Closed since the last job ended: no worker can claim a task while the arguments change.
  const job = (pool.job = (pool.job + 1) & 0x7fffff)
  for (let i = 0; i < ARG_COUNT; i++) Atomics.store(control, LAYOUT.args + i, args[i])
  Atomics.store(control, LAYOUT.done, 0)
  Atomics.store(control, LAYOUT.failed, 0)
  Atomics.store(control, LAYOUT.claim, job << 8)
  Atomics.notify(control, LAYOUT.claim)
  const errors: unknown[] = []
  takeTasks(pool.kernels, control, LAYOUT, 0, new Array<number>(ARG_COUNT), errors)
  const since = performance.now()
  while (Atomics.load(control, LAYOUT.done) < tasks) {
    if (performance.now() - since > STALL_MS) {
      pool.broken = true
      throw new Error('a training thread stopped answering: restart the training run')
    }
  }
  Atomics.store(control, LAYOUT.claim, (job << 8) | CLOSED)
  if (errors.length > 0) throw errors[0]
  if (Atomics.load(control, LAYOUT.failed) !== 0) throw new Error('a convolution failed on a worker thread')
}

/** How a memory's pool shares work: its threads (the engine's included), how many workers have started, and the tasks each thread has run in jobs shared with the workers. */
export interface ConvPoolState {
  threads: number
  workersStarted: number
  tasksRun: number[]
}

/** The pool's state for a wasm memory, null where it has none (no convolution has run there, or the kernels cannot). */
export function convPoolState(memory: unknown): ConvPoolState | null {
  const pool = wasmApi && memory instanceof wasmApi.Memory ? pools.get(memory) : null
  if (!pool) return null
  const control = pool.control
  const tasksRun = Array.from({ length: pool.threads }, (_, t) => (control ? Atomics.load(control, LAYOUT.tasksRun + t) : 0))
  return { threads: pool.threads, workersStarted: control ? Atomics.load(control, LAYOUT.started) : 0, tasksRun }
}

/** Scratch memory and its release, as the backend allocates it (a float32 tensor's buffer, by byte offset). */
export interface Scratch {
  allocate(floats: number): number
  release(): void
}

function geometryOf(s: ConvShape): PatchGeometry {
  return [s.inHeight, s.inWidth, s.inChannels, s.filterHeight, s.filterWidth, s.outHeight, s.outWidth, s.strideHeight, s.strideWidth, s.top, s.left]
}

function blockRows(taps: number): number {
  return Math.max(4, Math.min(MAX_BLOCK_ROWS, Math.floor(BLOCK_FLOATS / taps) & ~3))
}

/** The job's arguments around the three pointers, with scratch for one block per thread. */
function jobArgs(pool: Pool, kind: number, s: ConvShape, tasks: number, perTask: number, scratch: Scratch, a: number, b: number, out: number): number[] {
  const taps = s.filterHeight * s.filterWidth * s.inChannels
  const block = blockRows(taps)
  const perThread = block * taps * 4
  const base = scratch.allocate(pool.threads * block * taps)
  const rows = s.batchSize * s.outHeight * s.outWidth
  return [kind, tasks, ...geometryOf(s), s.batchSize, s.outChannels, rows, perTask, block, base, perThread, a, b, out]
}

/** Rows per task so that a job has at most MAX_TASKS tasks of whole blocks. */
function rowsPerTask(rows: number, block: number, tasks: number): number {
  return Math.max(block, Math.ceil(rows / Math.min(tasks, MAX_TASKS)))
}

/** The convolution kernels over a wasm memory, or null where they cannot run there (no SIMD). */
export interface ConvKernels {
  /** y[B, OH, OW, Cout] = conv(x, W), W as [KH, KW, C, Cout]; every pointer a byte offset. */
  forward(s: ConvShape, x: number, filter: number, y: number, scratch: Scratch): void
  /** dW[KH, KW, C, Cout] from x and dy. */
  filterGradient(s: ConvShape, x: number, dy: number, dw: number, scratch: Scratch): void
  /** dx[B, H, W, C] from dy and Wᵀ as [Cout, KH, KW, C]. */
  inputGradient(s: ConvShape, dy: number, filterTransposed: number, dx: number, scratch: Scratch): void
}

export function convKernels(memory: unknown): ConvKernels | null {
  const pool = poolFor(memory)
  if (pool == null) return null
  return {
    forward(s, x, filter, y, scratch) {
      const rows = s.batchSize * s.outHeight * s.outWidth
      if (rows === 0) return
      const block = blockRows(s.filterHeight * s.filterWidth * s.inChannels)
      const per = rowsPerTask(rows, block, Math.ceil(rows / block))
      runJob(pool, jobArgs(pool, FORWARD, s, Math.ceil(rows / per), per, scratch, x, filter, y))
    },
    filterGradient(s, x, dy, dw, scratch) {
      const rows = s.batchSize * s.outHeight * s.outWidth
      const taps = s.filterHeight * s.filterWidth * s.inChannels
      const block = blockRows(taps)
      const per = rowsPerTask(rows, block, Math.min(FILTER_TASKS_PER_THREAD * pool.threads, Math.ceil(rows / block)))
      const tasks = rows === 0 ? 0 : Math.ceil(rows / per)
      const size = taps * s.outChannels
      const partials = tasks === 1 ? dw : scratch.allocate(tasks * size)
      runJob(pool, jobArgs(pool, FILTER, s, tasks, per, scratch, x, dy, partials))
      if (tasks === 1) return
      pool.kernels.zero(dw, size)
      for (let t = 0; t < tasks; t++) pool.kernels.addTo(dw, partials + t * size * 4, size)
    },
    inputGradient(s, dy, filterTransposed, dx, scratch) {
      if (s.batchSize === 0) return
      const perTask = Math.ceil(s.batchSize / Math.min(s.batchSize, MAX_TASKS))
      runJob(pool, jobArgs(pool, INPUT, s, Math.ceil(s.batchSize / perTask), perTask, scratch, dy, filterTransposed, dx))
    }
  }
}
