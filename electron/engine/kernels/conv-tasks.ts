/**
 * The tasks of conv-gemm's jobs and the control words they are shared through: the code the engine's thread and the
 * worker threads (conv-worker.ts, its own bundled entry) both run, and the layout both read by name.
 *
 * Claims go through one shared word: the job's number and the next task ({@link CLOSED}: none to claim). The engine's
 * thread closes it before it writes a new job's arguments and opens it after, and a worker claims by compare-and-swap
 * on the value it read the arguments under, so a claim made on stale arguments fails.
 */
import { GEMM_ACCUMULATE, type GemmKernel } from './gemm'
import type { PatchGeometry, PatchKernels } from './patches'

/** The module's kernels as the tasks call them (one instance per thread, over the same memory). */
export type ConvTaskKernels = PatchKernels & { gemm: GemmKernel }

/** What a job computes: the forward pass, the filter gradient or the input gradient. */
export const JOB = { forward: 0, filter: 1, input: 2 } as const

/**
 * Where each of a job's arguments is in its argument list: kind, tasks, the 11 patch geometry values, batch, output
 * channels, rows, rows (or images) per task, rows per block, scratch base and bytes per thread, the two operands, the
 * result (every pointer a byte offset).
 */
export const ARG = {
  kind: 0,
  tasks: 1,
  geometry: 2,
  batch: 13,
  outChannels: 14,
  rows: 15,
  perTask: 16,
  blockRows: 17,
  scratch: 18,
  scratchPerThread: 19,
  a: 20,
  b: 21,
  out: 22
} as const
/** How many arguments a job has. */
export const ARG_COUNT = 23
/** A job's argument list, zeroed (a packed array: the tasks read it in their loops). */
export function newJobArgs(): number[] {
  return Array.from({ length: ARG_COUNT }, () => 0)
}

/** Most threads a pool has (the threaded build's most, see threads.ts). */
export const MAX_THREADS = 8
/** The claim word's task field when no task may be claimed; a job has fewer tasks than this. */
export const CLOSED = 255

/** Where the control words are: the claim, tasks done, whether a task failed, workers started, the arguments, tasks run by each thread. */
export const CONTROL = { claim: 0, done: 1, failed: 2, started: 3, args: 4, tasksRun: 4 + ARG_COUNT } as const
/** Words of the control buffer. */
export const CONTROL_WORDS = CONTROL.tasksRun + MAX_THREADS

/** What a worker is started with: the backend's memory, the compiled module, the control buffer and its thread number. */
export interface ConvWorkerData {
  memory: object
  module: object
  control: SharedArrayBuffer
  thread: number
}

/** Runs task `task` of a job with arguments `a` on thread `thread` (0 = the engine's), with that thread's scratch block. */
export function runConvTask(k: ConvTaskKernels, a: ArrayLike<number>, task: number, thread: number): void {
  // H, W, C, KH, KW, OH, OW, sh, sw, top, left.
  const g = ARG.geometry
  const geometry: PatchGeometry = [a[g], a[g + 1], a[g + 2], a[g + 3], a[g + 4], a[g + 5], a[g + 6], a[g + 7], a[g + 8], a[g + 9], a[g + 10]]
  const [height, width, channels, filterHeight, filterWidth, outHeight, outWidth] = geometry
  const taps = filterHeight * filterWidth * channels
  const [batch, outChannels, rows, perTask, blockRows] = [a[ARG.batch], a[ARG.outChannels], a[ARG.rows], a[ARG.perTask], a[ARG.blockRows]]
  const scratch = a[ARG.scratch] + thread * a[ARG.scratchPerThread]
  const [x, b, out] = [a[ARG.a], a[ARG.b], a[ARG.out]]
  if (a[ARG.kind] === JOB.input) {
    // Input gradient: images [b0, b1): dx there = 0, then for each block, dy · Wᵀ into scratch and back onto dx.
    const pixels = outHeight * outWidth
    const b0 = task * perTask
    const b1 = Math.min(batch, b0 + perTask)
    if (b0 >= b1) return
    k.zero(out + b0 * height * width * channels * 4, (b1 - b0) * height * width * channels)
    for (let r0 = b0 * pixels; r0 < b1 * pixels; r0 += blockRows) {
      const r1 = Math.min(b1 * pixels, r0 + blockRows)
      k.gemm(x + r0 * outChannels * 4, outChannels * 4, 4, b, taps * 4, scratch, taps * 4, r1 - r0, taps, outChannels, 0, 0)
      k.addPatches(scratch, taps * 4, out, r0, r1, ...geometry)
    }
    return
  }
  const start = task * perTask
  const end = Math.min(rows, start + perTask)
  for (let r0 = start; r0 < end; r0 += blockRows) {
    const r1 = Math.min(end, r0 + blockRows)
    k.patches(scratch, taps * 4, x, r0, r1, ...geometry)
    if (a[ARG.kind] === JOB.forward) {
      k.gemm(scratch, taps * 4, 4, b, outChannels * 4, out + r0 * outChannels * 4, outChannels * 4, r1 - r0, outChannels, taps, 0, 0)
    } else {
      // This task's partial dW += P[rows]ᵀ · dy[rows] (the first block overwrites it).
      const partial = out + task * taps * outChannels * 4
      k.gemm(scratch, 4, taps * 4, b + r0 * outChannels * 4, outChannels * 4, partial, outChannels * 4, taps, outChannels, r1 - r0, 0, r0 === start ? 0 : GEMM_ACCUMULATE)
    }
  }
}

/**
 * Claims and runs tasks of the open job (reading its arguments under the claim it makes) until none is left, and
 * returns the claim word as it last saw it; an error a task throws goes into `errors` and marks the job failed.
 */
export function takeTasks(k: ConvTaskKernels, control: Int32Array, thread: number, args: number[], errors: unknown[]): number {
  for (;;) {
    const claim = Atomics.load(control, CONTROL.claim)
    const task = claim & 0xff
    if (task === CLOSED || task >= Atomics.load(control, CONTROL.args + ARG.tasks)) return claim
    for (let i = 0; i < ARG_COUNT; i++) args[i] = Atomics.load(control, CONTROL.args + i)
    if (Atomics.compareExchange(control, CONTROL.claim, claim, claim + 1) !== claim) continue
    try {
      runConvTask(k, args, task, thread)
    } catch (error) {
      errors.push(error)
      Atomics.store(control, CONTROL.failed, 1)
    }
    Atomics.add(control, CONTROL.tasksRun + thread, 1)
    Atomics.add(control, CONTROL.done, 1)
  }
}

/**
 * A worker's loop: take the open job's tasks, then sleep until the claim word changes from what it last saw (a job
 * opened since returns at once). Never returns.
 */
export function convWorkerLoop(k: ConvTaskKernels, control: Int32Array, thread: number): never {
  const args = newJobArgs()
  const errors: unknown[] = []
  for (;;) {
    const seen = takeTasks(k, control, thread, args, errors)
    errors.length = 0
    Atomics.wait(control, CONTROL.claim, seen)
  }
}
