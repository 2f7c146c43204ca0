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
 * A worker sleeps as soon as it finds no task: one still spinning takes the core XNNPACK's pool wants next (the
 * pooling after a convolution runs much slower then, see scripts/bench/README.md), and waking it costs less than a
 * task. The tasks and the control words they are shared through are in conv-tasks.ts; a worker thread's entry is
 * conv-worker.ts.
 */
import { ARG, ARG_COUNT, CLOSED, CONTROL, CONTROL_WORDS, JOB, MAX_THREADS, newJobArgs, runConvTask, takeTasks, type ConvTaskKernels, type ConvWorkerData } from './conv-tasks'
import { gemmFunction } from './gemm'
import { patchFunctions, type PatchGeometry } from './patches'
import { kernelModule, moduleBytes, wasmApi } from './emit'

/**
 * How to start worker threads, handed in by the Node side (threads.ts, when it starts the threaded build): this
 * module is also bundled into the GPU engine's browser Worker, where it runs every task on its own thread.
 */
export interface ConvThreads {
  /** Threads the tasks may use, the engine's included. */
  count: number
  /** Starts a worker thread running conv-worker.ts with `workerData`; it must not keep the process alive. */
  spawn(workerData: ConvWorkerData): { on(event: 'error' | 'exit', listener: () => void): unknown }
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

/** The module every thread of a pool instantiates: the matrix product and the patch kernels. */
const CONV_GEMM = kernelModule('convGemm', () => [gemmFunction(), ...patchFunctions()])

/** Floats of patch matrix per block (256 KiB: the block and the filter stay in a core's L2 cache). */
const BLOCK_FLOATS = 1 << 16
/** Rows per block at most, so that even a narrow patch matrix (a first layer's) is cut into enough tasks. */
const MAX_BLOCK_ROWS = 256
/** Tasks per thread for the filter gradient: enough to even out the threads, few enough partial sums to add. */
const FILTER_TASKS_PER_THREAD = 4
/** At most this many tasks a job (the claim word's task field, below CLOSED). */
const MAX_TASKS = CLOSED - 1
/** How long the engine's thread waits for a worker to finish a task before it gives up, in milliseconds. */
const STALL_MS = 30_000

/** The kernels over one memory, and the workers sharing its tasks. */
interface Pool {
  kernels: ConvTaskKernels
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
  let kernels: ConvTaskKernels
  try {
    module = new wasmApi.Module(moduleBytes(shared, CONV_GEMM.functions()))
    kernels = new wasmApi.Instance(module, { env: { memory } }).exports as unknown as ConvTaskKernels
  } catch {
    return null
  }
  const workers = shared && threads ? Math.max(1, Math.min(MAX_THREADS, threads.count)) - 1 : 0
  const pool: Pool = { kernels, threads: workers + 1, control: null, broken: false, job: 0 }
  if (workers === 0) return pool
  const buffer = new SharedArrayBuffer(4 * CONTROL_WORDS)
  const control = new Int32Array(buffer)
  Atomics.store(control, CONTROL.claim, CLOSED)
  pool.control = control
  for (let thread = 1; thread <= workers; thread++) {
    try {
      const worker = (threads as ConvThreads).spawn({ memory, module, control: buffer, thread })
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
  const tasks = args[ARG.tasks]
  const control = pool.control
  if (control == null || pool.broken || Atomics.load(control, CONTROL.started) < pool.threads - 1 || tasks < 2) {
    for (let task = 0; task < tasks; task++) runConvTask(pool.kernels, args, task, 0)
    return
  }
  // Closed since the last job ended: no worker can claim a task while the arguments change.
  const job = (pool.job = (pool.job + 1) & 0x7fffff)
  for (let i = 0; i < ARG_COUNT; i++) Atomics.store(control, CONTROL.args + i, args[i])
  Atomics.store(control, CONTROL.done, 0)
  Atomics.store(control, CONTROL.failed, 0)
  Atomics.store(control, CONTROL.claim, job << 8)
  Atomics.notify(control, CONTROL.claim)
  const errors: unknown[] = []
  takeTasks(pool.kernels, control, 0, newJobArgs(), errors)
  const since = performance.now()
  const done = CONTROL.done
  while (Atomics.load(control, done) < tasks) {
    if (performance.now() - since > STALL_MS) {
      pool.broken = true
      throw new Error('a training thread stopped answering: restart the training run')
    }
  }
  Atomics.store(control, CONTROL.claim, (job << 8) | CLOSED)
  if (errors.length > 0) throw errors[0]
  if (Atomics.load(control, CONTROL.failed) !== 0) throw new Error('a convolution failed on a worker thread')
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
  const tasksRun = Array.from({ length: pool.threads }, (_, t) => (control ? Atomics.load(control, CONTROL.tasksRun + t) : 0))
  return { threads: pool.threads, workersStarted: control ? Atomics.load(control, CONTROL.started) : 0, tasksRun }
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
  const args = newJobArgs()
  geometryOf(s).forEach((value, i) => (args[ARG.geometry + i] = value))
  args[ARG.kind] = kind
  args[ARG.tasks] = tasks
  args[ARG.batch] = s.batchSize
  args[ARG.outChannels] = s.outChannels
  args[ARG.rows] = s.batchSize * s.outHeight * s.outWidth
  args[ARG.perTask] = perTask
  args[ARG.blockRows] = block
  args[ARG.scratch] = base
  args[ARG.scratchPerThread] = perThread
  args[ARG.a] = a
  args[ARG.b] = b
  args[ARG.out] = out
  return args
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
      runJob(pool, jobArgs(pool, JOB.forward, s, Math.ceil(rows / per), per, scratch, x, filter, y))
    },
    filterGradient(s, x, dy, dw, scratch) {
      const rows = s.batchSize * s.outHeight * s.outWidth
      const taps = s.filterHeight * s.filterWidth * s.inChannels
      const block = blockRows(taps)
      const per = rowsPerTask(rows, block, Math.min(FILTER_TASKS_PER_THREAD * pool.threads, Math.ceil(rows / block)))
      const tasks = rows === 0 ? 0 : Math.ceil(rows / per)
      const size = taps * s.outChannels
      const partials = tasks === 1 ? dw : scratch.allocate(tasks * size)
      runJob(pool, jobArgs(pool, JOB.filter, s, tasks, per, scratch, x, dy, partials))
      if (tasks === 1) return
      pool.kernels.zero(dw, size)
      for (let t = 0; t < tasks; t++) pool.kernels.addTo(dw, partials + t * size * 4, size)
    },
    inputGradient(s, dy, filterTransposed, dx, scratch) {
      if (s.batchSize === 0) return
      const perTask = Math.ceil(s.batchSize / Math.min(s.batchSize, MAX_TASKS))
      runJob(pool, jobArgs(pool, JOB.input, s, Math.ceil(s.batchSize / perTask), perTask, scratch, dy, filterTransposed, dx))
    }
  }
}
