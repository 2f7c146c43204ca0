/**
 * 2×2 max pooling with stride 2 (the usual pooling of a CNN) and its gradient as WebAssembly SIMD loops over the wasm
 * backend's memory, four channels per instruction and without branches.
 * - Forward: each window's maximum. XNNPACK's own is as fast, but on the threaded build it wakes XNNPACK's thread
 *   pool, whose thread then competes for a core with the convolution that follows (conv-gemm.ts).
 * - Gradient: each window's gradient goes to the first of its four pixels, in row-major order, equal to the window's
 *   maximum, which the forward pass already computed. A JavaScript loop doing the same is a sizeable part of a seed
 *   CNN's training step (scripts/bench/README.md).
 */
import { forLoop, I32, instantiateOver, kernelModule, locals, op, wasmFunction } from './emit'

/** Where the tensors are (byte offsets into wasm memory) and their sizes (NHWC; `channels` a multiple of 4, every window inside the input). */
export interface PoolGradArgs {
  x: number
  y: number
  dy: number
  dx: number
  batch: number
  height: number
  width: number
  channels: number
  outHeight: number
  outWidth: number
}

/** Writes dx for every pixel inside a window (the caller zeroes the rest: rows or columns left over by an odd size). */
export type PoolGradKernel = (args: PoolGradArgs) => void

/** Writes y, each window's maximum over x (dy and dx unused). */
export type PoolKernel = (args: Omit<PoolGradArgs, 'dy' | 'dx'>) => void

// Both kernels' registers: the parameters, loop counters and byte offsets, then vectors.
const L = locals()
const [X, Y, DY, DX, BATCH, H, W, C, OH, OW] = L.params(I32, 'x', 'y', 'dy', 'dx', 'batch', 'height', 'width', 'channels', 'outHeight', 'outWidth')
const [R, ROWS, OWI, CI, CB, ROW_BYTES, IN0, IN1, OUT_ROW, A0, A2, O] = ['r', 'rows', 'ow', 'ci', 'channelBytes', 'rowBytes', 'in0', 'in1', 'outRow', 'a0', 'a2', 'o'].map(L.i32)
const [MAX, G, E0, E1, E2, T] = ['max', 'g', 'e0', 'e1', 'e2', 't'].map(L.v128)

/** Pushes base + Σ offsets (all locals). */
const address = (base: number, ...offsets: number[]) => [...op.get(base), ...offsets.flatMap((o) => [...op.get(o), ...op.i32Add])]
const load = (base: number, ...offsets: number[]) => [...address(base, ...offsets), ...op.v128Load]
// A pixel's channels are CB bytes; the window's right-hand pixels are CB further than its left-hand ones.
const right = (from: number) => [...op.get(from), ...op.get(CB), ...op.i32Add]

function poolCode(): number[] {
  const { get, i32Add, v128Load, v128Store, f32x4Max } = op
  const rightLoad = (from: number) => [...right(from), ...get(CI), ...i32Add, ...get(X), ...i32Add, ...v128Load]
  return windows([
    ...address(Y, O, CI),
    ...load(X, A0, CI), ...rightLoad(A0), ...f32x4Max, ...load(X, A2, CI), ...rightLoad(A2), ...f32x4Max, ...f32x4Max,
    ...v128Store
  ])
}

function poolGradCode(): number[] {
  const { get, set, i32Add, v128Load, v128Store, f32x4Eq, v128And, v128AndNot, v128Or } = op
  return windows([
    ...load(Y, O, CI), ...set(MAX),
    ...load(DY, O, CI), ...set(G),
    ...load(X, A0, CI), ...get(MAX), ...f32x4Eq, ...set(E0),
    ...right(A0), ...get(CI), ...i32Add, ...get(X), ...i32Add, ...v128Load, ...get(MAX), ...f32x4Eq, ...get(E0), ...v128AndNot, ...set(E1),
    ...get(E0), ...get(E1), ...v128Or, ...set(T),
    ...load(X, A2, CI), ...get(MAX), ...f32x4Eq, ...get(T), ...v128AndNot, ...set(E2),
    ...get(T), ...get(E2), ...v128Or, ...set(T),
    // dx of the four pixels: g where a pixel is the first maximum, else 0.
    ...address(DX, A0, CI), ...get(G), ...get(E0), ...v128And, ...v128Store,
    ...right(A0), ...get(CI), ...i32Add, ...get(DX), ...i32Add, ...get(G), ...get(E1), ...v128And, ...v128Store,
    ...address(DX, A2, CI), ...get(G), ...get(E2), ...v128And, ...v128Store,
    ...right(A2), ...get(CI), ...i32Add, ...get(DX), ...i32Add,
    ...right(A2), ...get(CI), ...i32Add, ...get(X), ...i32Add, ...v128Load, ...get(MAX), ...f32x4Eq, ...get(T), ...v128AndNot,
    ...get(G), ...v128And, ...v128Store
  ])
}

/** For each window: A0, A2 (its top-left and bottom-left pixels' byte offsets), O (its output pixel's), then `channels` for each 16 bytes CI of them. */
function windows(channels: number[]): number[] {
  const { get, set, tee, i32, i32Add, i32Mul, i32DivU, i32RemU } = op
  const columns = [
    // a0, a2: the window's top-left and bottom-left pixels; o: its output pixel.
    ...get(OWI), ...i32(2), ...i32Mul, ...get(CB), ...i32Mul, ...tee(A0), ...get(IN1), ...i32Add, ...set(A2),
    ...get(A0), ...get(IN0), ...i32Add, ...set(A0),
    ...get(OWI), ...get(CB), ...i32Mul, ...get(OUT_ROW), ...i32Add, ...set(O),
    ...forLoop(CI, i32(0), get(CB), i32(16), channels)
  ]
  const rows = [
    // Row r of the output is batch image r / OH, row r % OH: its windows start on input row 2·(r % OH).
    ...get(R), ...get(OH), ...i32DivU, ...get(H), ...i32Mul, ...get(R), ...get(OH), ...i32RemU, ...i32(2), ...i32Mul, ...i32Add,
    ...get(ROW_BYTES), ...i32Mul, ...tee(IN0), ...get(ROW_BYTES), ...i32Add, ...set(IN1),
    ...get(R), ...get(OW), ...i32Mul, ...get(CB), ...i32Mul, ...set(OUT_ROW),
    ...forLoop(OWI, i32(0), get(OW), i32(1), columns)
  ]
  return [
    ...get(C), ...i32(4), ...i32Mul, ...tee(CB), ...get(W), ...i32Mul, ...set(ROW_BYTES),
    ...get(BATCH), ...get(OH), ...i32Mul, ...set(ROWS),
    ...forLoop(R, i32(0), get(ROWS), i32(1), rows)
  ]
}

const MAX_POOL = kernelModule('maxPool2x2', () => [wasmFunction('maxPool2x2', L, poolCode())])
const MAX_POOL_GRAD = kernelModule('maxPoolGrad2x2', () => [wasmFunction('maxPoolGrad2x2', L, poolGradCode())])

/** The forward kernel bound to a wasm memory (the backend's WebAssembly.Memory), or null where it cannot run there. */
export function simdMaxPool(memory: unknown): PoolKernel | null {
  const exports = instantiateOver(memory, MAX_POOL)
  if (!exports) return null
  const run = exports.maxPool2x2
  return (a) => run(a.x, a.y, 0, 0, a.batch, a.height, a.width, a.channels, a.outHeight, a.outWidth)
}

/** The gradient kernel bound to a wasm memory (the backend's WebAssembly.Memory), or null where it cannot run there. */
export function simdMaxPoolGrad(memory: unknown): PoolGradKernel | null {
  const exports = instantiateOver(memory, MAX_POOL_GRAD)
  if (!exports) return null
  const run = exports.maxPoolGrad2x2
  return (a) => run(a.x, a.y, a.dy, a.dx, a.batch, a.height, a.width, a.channels, a.outHeight, a.outWidth)
}
