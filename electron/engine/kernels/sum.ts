/**
 * Sums over every axis but the last (the gradient of every bias: a [batch, height, width, channels] tensor summed to
 * [channels]) as a WebAssembly SIMD loop over the wasm backend's memory: one pass over the input, four channels per
 * instruction, the running sums in the output. wasm's own Sum first transposes the input so that the summed axes come
 * last, a strided copy of the whole tensor.
 */
import { forLoop, I32, instantiateOver, op, V128, type ValueType } from './emit'

/** Adds up `rows` rows of `columns` floats (a multiple of 4) at byte offset `x` into the `columns` floats at `out`, in row order. */
export type ColumnSumKernel = (x: number, out: number, rows: number, columns: number) => void

const [X, OUT, ROWS, COLS] = [0, 1, 2, 3]
const PARAMS: ValueType[] = [I32, I32, I32, I32]
const [R, C, ROW_BYTES, ROW, ZERO] = [4, 5, 6, 7, 8]
const LOCALS: ValueType[] = [I32, I32, I32, I32, V128]

function columnSumCode(): number[] {
  const { get, set, i32, f32, i32Add, i32Mul, v128Load, v128Store, f32x4Add, f32x4Splat } = op
  const outAt = [...get(OUT), ...get(C), ...i32Add]
  return [
    ...get(COLS), ...i32(4), ...i32Mul, ...set(ROW_BYTES),
    // The sums start at zero.
    ...f32(0), ...f32x4Splat, ...set(ZERO),
    ...forLoop(C, i32(0), get(ROW_BYTES), i32(16), [...outAt, ...get(ZERO), ...v128Store]),
    ...forLoop(R, i32(0), get(ROWS), i32(1), [
      ...get(R), ...get(ROW_BYTES), ...i32Mul, ...get(X), ...i32Add, ...set(ROW),
      ...forLoop(C, i32(0), get(ROW_BYTES), i32(16), [...outAt, ...outAt, ...v128Load, ...get(ROW), ...get(C), ...i32Add, ...v128Load, ...f32x4Add, ...v128Store])
    ])
  ]
}

/** The kernel bound to a wasm memory (the backend's WebAssembly.Memory), or null where it cannot run there. */
export function simdColumnSum(memory: unknown): ColumnSumKernel | null {
  const exports = instantiateOver(memory, 'columnSum', () => [{ name: 'columnSum', params: PARAMS, locals: LOCALS, code: columnSumCode() }])
  return exports ? (exports.columnSum as ColumnSumKernel) : null
}
