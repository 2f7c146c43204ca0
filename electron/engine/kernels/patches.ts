/**
 * The patch matrix of a convolution and its adjoint, as WebAssembly SIMD loops over the wasm backend's memory, for
 * convolutions run as matrix products (conv-gemm.ts).
 *
 * For an NHWC input x[B, H, W, C] and a KH×KW window moved by (sh, sw) from (−top, −left), row r of the patch matrix
 * is output pixel r = (b, oy, ox) in row-major order, and its columns are the window's taps (kh, kw) in row-major order,
 * C channels each: P[r, (kh·KW + kw)·C + c] = x[b, oy·sh + kh − top, ox·sw + kw − left, c], 0 outside the input.
 * - `patches` writes rows [r0, r1) of P;
 * - `addPatches` adds rows [r0, r1) of a matrix of P's shape back onto the pixels each tap was read from (dx += …),
 *   the input gradient's last step; rows of different images never touch the same dx element.
 * Plus `zero` and `addTo` (dst += src), for the scratch buffers those products use.
 */
import { forLoop, I32, locals, op, wasmFunction, type Locals, type WasmFunction } from './emit'

/** Kernel signatures; every pointer and leading dimension in bytes, the geometry in elements. */
export interface PatchKernels {
  patches(p: number, ldp: number, x: number, r0: number, r1: number, ...geometry: PatchGeometry): void
  addPatches(p: number, ldp: number, x: number, r0: number, r1: number, ...geometry: PatchGeometry): void
  zero(at: number, floats: number): void
  addTo(dst: number, src: number, floats: number): void
}

/** H, W, C, KH, KW, OH, OW, sh, sw, top, left. */
export type PatchGeometry = [number, number, number, number, number, number, number, number, number, number, number]

// Both walks' registers. Parameters: the matrix side (pointer, leading dimension), the image side, rows, then the geometry.
const L = locals()
const [MAT, LD, IMG, R0, R1, H, W, C, KH, KW, OH, OW, SH, SW, TOP, LEFT] = L.params(
  I32, 'p', 'ldp', 'x', 'r0', 'r1', 'height', 'width', 'channels', 'filterHeight', 'filterWidth', 'outHeight', 'outWidth', 'strideHeight', 'strideWidth', 'top', 'left'
)
const [R, B, OY, OX, TH, TW, IY, IX, ROW, TAP, I, TAP_BYTES, VEC_END, IX0, WHOLE, WINDOW_BYTES, WINDOW_VEC_END] = [
  'r', 'b', 'oy', 'ox', 'th', 'tw', 'iy', 'ix', 'row', 'tap', 'i', 'tapBytes', 'vecEnd', 'ix0', 'whole', 'windowBytes', 'windowVecEnd'
].map(L.i32)

/** A run of floats: the local holding its byte count, and the one holding that count rounded down to whole vectors. */
type Run = [bytes: number, vectorEnd: number]
/** One tap's C floats; one window row's KW·C floats (contiguous in the image when the row lies inside it). */
const TAP_RUN: Run = [TAP_BYTES, VEC_END]
const WINDOW_RUN: Run = [WINDOW_BYTES, WINDOW_VEC_END]

/**
 * The walk over rows and taps both kernels share: for each run of floats inside the input, `inside(run)` runs with TAP
 * (where the run is in the matrix) and ROW (where it is in the image) set; for each run outside, `outside(run)` runs.
 * A window row that lies wholly inside the image is one run of KW·C floats; one that crosses its left or right edge
 * is a run per tap; one above or below it is a single run outside.
 */
function walk(inside: (run: Run) => number[], outside: (run: Run) => number[]): number[] {
  const { get, set, tee, i32, i32Add, i32Sub, i32Mul, i32DivU, i32LtU, i32LtS, i32GeS, i32Eqz, i32And, end } = op
  const imageAt = (ix: number) => [
    ...get(B), ...get(H), ...i32Mul, ...get(IY), ...i32Add, ...get(W), ...i32Mul, ...get(ix), ...i32Add, ...get(TAP_BYTES), ...i32Mul, ...get(IMG), ...i32Add, ...set(ROW)
  ]
  const advance = (bytes: number) => [...get(TAP), ...get(bytes), ...i32Add, ...set(TAP)]
  const perTap = forLoop(TW, i32(0), get(KW), i32(1), [
    ...get(OX), ...get(SW), ...i32Mul, ...get(TW), ...i32Add, ...get(LEFT), ...i32Sub, ...set(IX),
    // Unsigned comparison: a negative column is a large number, outside like one past the end.
    ...get(IX), ...get(W), ...i32LtU, ...op.if, ...imageAt(IX), ...inside(TAP_RUN), ...op.else, ...outside(TAP_RUN), ...end,
    ...advance(TAP_BYTES)
  ])
  const perRow = [
    // b, oy, ox of output pixel r.
    ...get(R), ...get(OH), ...get(OW), ...i32Mul, ...i32DivU, ...set(B),
    ...get(R), ...get(B), ...get(OH), ...get(OW), ...i32Mul, ...i32Mul, ...i32Sub, ...tee(OX), ...get(OW), ...i32DivU, ...set(OY),
    ...get(OX), ...get(OY), ...get(OW), ...i32Mul, ...i32Sub, ...set(OX),
    ...get(MAT), ...get(R), ...get(R0), ...i32Sub, ...get(LD), ...i32Mul, ...i32Add, ...set(TAP),
    // Whether the window's columns lie wholly inside the image: 0 ≤ ix0 and ix0 + KW ≤ W.
    ...get(OX), ...get(SW), ...i32Mul, ...get(LEFT), ...i32Sub, ...tee(IX0), ...i32(0), ...i32GeS,
    ...get(W), ...get(IX0), ...get(KW), ...i32Add, ...i32LtS, ...i32Eqz, ...i32And, ...set(WHOLE),
    ...forLoop(TH, i32(0), get(KH), i32(1), [
      ...get(OY), ...get(SH), ...i32Mul, ...get(TH), ...i32Add, ...get(TOP), ...i32Sub, ...tee(IY), ...get(H), ...i32LtU, ...op.if,
      ...get(WHOLE), ...op.if, ...imageAt(IX0), ...inside(WINDOW_RUN), ...advance(WINDOW_BYTES), ...op.else, ...perTap, ...end,
      ...op.else, ...outside(WINDOW_RUN), ...advance(WINDOW_BYTES), ...end
    ])
  ]
  return [
    ...get(C), ...i32(4), ...i32Mul, ...tee(TAP_BYTES), ...i32(-16), ...i32And, ...set(VEC_END),
    ...get(TAP_BYTES), ...get(KW), ...i32Mul, ...tee(WINDOW_BYTES), ...i32(-16), ...i32And, ...set(WINDOW_VEC_END),
    ...forLoop(R, get(R0), get(R1), i32(1), perRow)
  ]
}

/** For I over a run's bytes: `vector` on each whole 16 bytes, then `scalar` on each float left. */
function overRun([bytes, vectorEnd]: Run, vector: number[], scalar: number[]): number[] {
  const { get, i32 } = op
  return [...forLoop(I, i32(0), get(vectorEnd), i32(16), vector), ...forLoop(I, get(vectorEnd), get(bytes), i32(4), scalar)]
}

function patchesCode(): number[] {
  const { get, i32Add, v128Load, v128Store, v128Zero, f32, f32Load, f32Store } = op
  const dst = [...get(TAP), ...get(I), ...i32Add]
  const src = [...get(ROW), ...get(I), ...i32Add]
  return walk(
    (run) => overRun(run, [...dst, ...src, ...v128Load, ...v128Store], [...dst, ...src, ...f32Load, ...f32Store]),
    (run) => overRun(run, [...dst, ...v128Zero, ...v128Store], [...dst, ...f32(0), ...f32Store])
  )
}

function addPatchesCode(): number[] {
  const { get, i32Add, v128Load, v128Store, f32x4Add, f32Load, f32Store, f32Add } = op
  const dst = [...get(ROW), ...get(I), ...i32Add]
  const src = [...get(TAP), ...get(I), ...i32Add]
  return walk(
    (run) => overRun(run, [...dst, ...dst, ...v128Load, ...src, ...v128Load, ...f32x4Add, ...v128Store], [...dst, ...dst, ...f32Load, ...src, ...f32Load, ...f32Add, ...f32Store]),
    () => []
  )
}

/**
 * For j over `floats` floats (in bytes): `vector(j)` on each whole 16 bytes, then `scalar(j)` on each float left, with
 * three locals of `L` after its parameters for the byte index and the byte counts.
 */
function bytesLoop(L: Locals, floats: number, vector: (j: number) => number[], scalar: (j: number) => number[]): number[] {
  const { get, set, tee, i32, i32Mul, i32And } = op
  const [j, bytes, vectorBytes] = [L.i32('j'), L.i32('bytes'), L.i32('vectorBytes')]
  return [
    ...get(floats), ...i32(4), ...i32Mul, ...tee(bytes), ...i32(-16), ...i32And, ...set(vectorBytes),
    ...forLoop(j, i32(0), get(vectorBytes), i32(16), vector(j)),
    ...forLoop(j, get(vectorBytes), get(bytes), i32(4), scalar(j))
  ]
}

function zeroFunction(): WasmFunction {
  const { get, i32Add, v128Zero, v128Store, f32, f32Store } = op
  const L = locals()
  const [to, floats] = L.params(I32, 'at', 'floats')
  const at = (j: number) => [...get(to), ...get(j), ...i32Add]
  const code = bytesLoop(L, floats, (j) => [...at(j), ...v128Zero, ...v128Store], (j) => [...at(j), ...f32(0), ...f32Store])
  return wasmFunction('zero', L, code)
}

function addToFunction(): WasmFunction {
  const { get, i32Add, v128Load, v128Store, f32x4Add, f32Load, f32Store, f32Add } = op
  const L = locals()
  const [to, from, floats] = L.params(I32, 'dst', 'src', 'floats')
  const dst = (j: number) => [...get(to), ...get(j), ...i32Add]
  const src = (j: number) => [...get(from), ...get(j), ...i32Add]
  const code = bytesLoop(
    L, floats,
    (j) => [...dst(j), ...dst(j), ...v128Load, ...src(j), ...v128Load, ...f32x4Add, ...v128Store],
    (j) => [...dst(j), ...dst(j), ...f32Load, ...src(j), ...f32Load, ...f32Add, ...f32Store]
  )
  return wasmFunction('addTo', L, code)
}

/** The four kernels as module functions (conv-gemm.ts puts them in one module with the matrix product). */
export function patchFunctions(): WasmFunction[] {
  return [wasmFunction('patches', L, patchesCode()), wasmFunction('addPatches', L, addPatchesCode()), zeroFunction(), addToFunction()]
}
