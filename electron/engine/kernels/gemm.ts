/**
 * Matrix products for dense layers as a WebAssembly SIMD kernel over the wasm backend's memory: tiles of 4 rows × 8
 * columns kept in 8 vector registers while the shared dimension is walked once (a multiply and an add per register
 * and step, rounded as XNNPACK's wasm build rounds them: no fused multiply-add).
 *
 * Its operand A is read through a row and a column stride, so Aᵀ costs nothing (a dense layer's weight gradient
 * xᵀ·dy); B is read along its rows. The bias and ReLU of a dense layer can be applied as each tile is stored, or the
 * tile added to what C holds (a product over one block of the shared dimension at a time, as convolutions run it).
 */
import { forLoop, I32, instantiateOver, kernelModule, locals, op, V128, wasmFunction, type WasmFunction } from './emit'

/** Add each result to what C already holds (C += A·B), for a product summed over blocks of its shared dimension. */
export const GEMM_ACCUMULATE = 1
/** Store max(0, ·) of each result (after the bias). */
export const GEMM_RELU = 2

/**
 * C[M×N] = A·B (+ C, with GEMM_ACCUMULATE) (+ bias) (ReLU), every pointer a byte offset into the memory and every stride in bytes: A[i, k] is
 * at a + i·aRow + k·aCol, B[k, j] at b + k·ldb + 4j, C[i, j] at c + i·ldc + 4j, bias[j] at bias + 4j (bias 0: none).
 * Any M, N and K: columns past the last whole four are computed one at a time.
 */
export type GemmKernel = (a: number, aRow: number, aCol: number, b: number, ldb: number, c: number, ldc: number, m: number, n: number, k: number, bias: number, flags: number) => void

const L = locals()
const [A, A_ROW, A_COL, B, LDB, C, LDC, M, N, K, BIAS, FLAGS] = L.params(I32, 'a', 'aRow', 'aCol', 'b', 'ldb', 'c', 'ldc', 'm', 'n', 'k', 'bias', 'flags')
// Row, column (bytes), ends, the 4 row pointers into A, B's pointer and end, C's.
const [ROW, COL, COL_END8, ROW_END4] = [L.i32('row'), L.i32('col'), L.i32('colEnd8'), L.i32('rowEnd4')]
const AP = L.group(I32, 'ap', 4)
const [BP, B_END, CP] = [L.i32('bp'), L.i32('bEnd'), L.i32('cp')]
// The tile's 4 × 2 accumulators (row-major), 2 vectors of B, 1 of A, 2 of the bias.
const ACC = L.group(V128, 'acc', 8)
const BV = L.group(V128, 'bv', 2)
const AV = L.v128('av')
const BB = L.group(V128, 'bias', 2)
// One float, for the columns past the last four.
const ACC_1 = L.f32('accScalar')

/** One tile of `rows` (1 or 4) × `vectors` (1 or 2) × 4 columns at (ROW, COL). */
function tile(rows: number, vectors: number): number[] {
  const { get, set, tee, i32, i32Add, i32Mul, i32And, i32GeU, brIf, br, block, loop, end, v128LoadAt, v128StoreAt, f32x4LoadSplat, v128Zero, f32x4Add, f32x4Mul, f32x4Max } = op
  const acc = (r: number, v: number) => ACC[r * 2 + v]
  const each = (f: (r: number, v: number) => number[]) => {
    const out: number[] = []
    for (let r = 0; r < rows; r++) for (let v = 0; v < vectors; v++) out.push(...f(r, v))
    return out
  }
  const cRow = (r: number) => [...get(CP), ...get(LDC), ...i32(r), ...i32Mul, ...i32Add]
  const madd = (r: number, v: number) => [...get(acc(r, v)), ...get(AV), ...get(BV[v]), ...f32x4Mul, ...f32x4Add, ...set(acc(r, v))]
  const rowPointers: number[] = [...get(A), ...get(ROW), ...get(A_ROW), ...i32Mul, ...i32Add, ...set(AP[0])]
  for (let r = 1; r < rows; r++) rowPointers.push(...get(AP[r - 1]), ...get(A_ROW), ...i32Add, ...set(AP[r]))
  const step: number[] = [...get(BP), ...get(B_END), ...i32GeU, ...brIf(1)]
  for (let v = 0; v < vectors; v++) step.push(...get(BP), ...v128LoadAt(16 * v), ...set(BV[v]))
  for (let r = 0; r < rows; r++) {
    step.push(...get(AP[r]), ...f32x4LoadSplat, ...set(AV))
    for (let v = 0; v < vectors; v++) step.push(...madd(r, v))
    step.push(...get(AP[r]), ...get(A_COL), ...i32Add, ...set(AP[r]))
  }
  step.push(...get(BP), ...get(LDB), ...i32Add, ...set(BP), ...br(0))
  const bias: number[] = []
  for (let v = 0; v < vectors; v++) bias.push(...get(BIAS), ...get(COL), ...i32Add, ...v128LoadAt(16 * v), ...set(BB[v]))
  return [
    ...rowPointers,
    ...get(B), ...get(COL), ...i32Add, ...tee(BP), ...get(K), ...get(LDB), ...i32Mul, ...i32Add, ...set(B_END),
    ...each((r, v) => [...v128Zero, ...set(acc(r, v))]),
    ...block, ...loop, ...step, ...end, ...end,
    ...get(C), ...get(ROW), ...get(LDC), ...i32Mul, ...i32Add, ...get(COL), ...i32Add, ...set(CP),
    ...get(FLAGS), ...i32(GEMM_ACCUMULATE), ...i32And, ...op.if,
    ...each((r, v) => [...get(acc(r, v)), ...cRow(r), ...v128LoadAt(16 * v), ...f32x4Add, ...set(acc(r, v))]), ...end,
    ...get(BIAS), ...op.if, ...bias, ...each((r, v) => [...get(acc(r, v)), ...get(BB[v]), ...f32x4Add, ...set(acc(r, v))]), ...end,
    ...get(FLAGS), ...i32(GEMM_RELU), ...i32And, ...op.if, ...each((r, v) => [...get(acc(r, v)), ...v128Zero, ...f32x4Max, ...set(acc(r, v))]), ...end,
    ...each((r, v) => [...cRow(r), ...get(acc(r, v)), ...v128StoreAt(16 * v)])
  ]
}

/** The columns from COL (bytes) to N, one float at a time: a dot product per element, with the same epilogue. */
function singleColumns(): number[] {
  const { get, set, i32, i32Add, i32Mul, i32And, i32GeU, brIf, br, block, loop, end, f32, f32Load, f32Store, f32Add, f32Mul, f32Max } = op
  const dot = [
    ...get(BP), ...get(B_END), ...i32GeU, ...brIf(1),
    ...get(ACC_1), ...get(AP[0]), ...f32Load, ...get(BP), ...f32Load, ...f32Mul, ...f32Add, ...set(ACC_1),
    ...get(AP[0]), ...get(A_COL), ...i32Add, ...set(AP[0]),
    ...get(BP), ...get(LDB), ...i32Add, ...set(BP), ...br(0)
  ]
  const element = [
    ...get(A), ...get(ROW), ...get(A_ROW), ...i32Mul, ...i32Add, ...set(AP[0]),
    ...get(B), ...get(COL), ...i32Add, ...op.tee(BP), ...get(K), ...get(LDB), ...i32Mul, ...i32Add, ...set(B_END),
    ...f32(0), ...set(ACC_1),
    ...block, ...loop, ...dot, ...end, ...end,
    ...get(C), ...get(ROW), ...get(LDC), ...i32Mul, ...i32Add, ...get(COL), ...i32Add, ...set(CP),
    ...get(FLAGS), ...i32(GEMM_ACCUMULATE), ...i32And, ...op.if, ...get(ACC_1), ...get(CP), ...f32Load, ...f32Add, ...set(ACC_1), ...end,
    ...get(BIAS), ...op.if, ...get(ACC_1), ...get(BIAS), ...get(COL), ...i32Add, ...f32Load, ...f32Add, ...set(ACC_1), ...end,
    ...get(FLAGS), ...i32(GEMM_RELU), ...i32And, ...op.if, ...get(ACC_1), ...f32(0), ...f32Max, ...set(ACC_1), ...end,
    ...get(CP), ...get(ACC_1), ...f32Store
  ]
  return forLoop(COL, get(COL), [...get(N), ...i32(4), ...i32Mul], i32(4), forLoop(ROW, i32(0), get(M), i32(1), element))
}

function gemmCode(): number[] {
  const { get, set, i32, i32Add, i32And, i32Mul } = op
  const columns = (vectors: number) => [
    ...forLoop(ROW, i32(0), get(ROW_END4), i32(4), tile(4, vectors)),
    ...forLoop(ROW, get(ROW_END4), get(M), i32(1), tile(1, vectors))
  ]
  return [
    ...get(M), ...i32(-4), ...i32And, ...set(ROW_END4),
    ...get(N), ...i32(-8), ...i32And, ...i32(4), ...i32Mul, ...set(COL_END8),
    ...forLoop(COL, i32(0), get(COL_END8), i32(32), columns(2)),
    ...get(COL_END8), ...set(COL),
    ...get(N), ...i32(4), ...i32And, ...op.if, ...columns(1), ...get(COL_END8), ...i32(16), ...i32Add, ...set(COL), ...op.end,
    ...singleColumns()
  ]
}

/** The kernel as a module function, for modules that hold it beside others (conv-gemm.ts). */
export function gemmFunction(): WasmFunction {
  return wasmFunction('gemm', L, gemmCode())
}

const GEMM = kernelModule('gemm', () => [gemmFunction()])

/** The kernel bound to a wasm memory (the backend's WebAssembly.Memory), or null where it cannot run there. */
export function simdGemm(memory: unknown): GemmKernel | null {
  const exports = instantiateOver(memory, GEMM)
  return exports ? (exports.gemm as GemmKernel) : null
}
