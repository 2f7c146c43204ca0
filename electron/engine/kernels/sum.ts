/**
 * Sums over every axis but the last (the gradient of every bias: a [batch, height, width, channels] tensor summed to
 * [channels]) as a WebAssembly SIMD loop over the wasm backend's memory: one pass over the input, four channels per
 * instruction, the running sums in the output. wasm's own Sum first transposes the input so that the summed axes come
 * last, a strided copy of the whole tensor.
 */
import { forLoop, I32, instantiateOver, kernelModule, locals, op, wasmFunction, type WasmFunction } from './emit'

/** Adds up `rows` rows of `columns` floats (a multiple of 4) at byte offset `x` into the `columns` floats at `out`, in row order. */
export type ColumnSumKernel = (x: number, out: number, rows: number, columns: number) => void

function columnSumFunction(): WasmFunction {
  const { get, set, i32, f32, i32Add, i32Mul, v128Load, v128Store, f32x4Add, f32x4Splat } = op
  const L = locals()
  const [x, out, rows, columns] = L.params(I32, 'x', 'out', 'rows', 'columns')
  const [r, c, rowBytes, row] = [L.i32('r'), L.i32('c'), L.i32('rowBytes'), L.i32('row')]
  const zero = L.v128('zero')
  const outAt = [...get(out), ...get(c), ...i32Add]
  return wasmFunction('columnSum', L, [
    ...get(columns), ...i32(4), ...i32Mul, ...set(rowBytes),
    // The sums start at zero.
    ...f32(0), ...f32x4Splat, ...set(zero),
    ...forLoop(c, i32(0), get(rowBytes), i32(16), [...outAt, ...get(zero), ...v128Store]),
    ...forLoop(r, i32(0), get(rows), i32(1), [
      ...get(r), ...get(rowBytes), ...i32Mul, ...get(x), ...i32Add, ...set(row),
      ...forLoop(c, i32(0), get(rowBytes), i32(16), [...outAt, ...outAt, ...v128Load, ...get(row), ...get(c), ...i32Add, ...v128Load, ...f32x4Add, ...v128Store])
    ])
  ])
}

const COLUMN_SUM = kernelModule('columnSum', () => [columnSumFunction()])

/** The kernel bound to a wasm memory (the backend's WebAssembly.Memory), or null where it cannot run there. */
export function simdColumnSum(memory: unknown): ColumnSumKernel | null {
  const exports = instantiateOver(memory, COLUMN_SUM)
  return exports ? (exports.columnSum as ColumnSumKernel) : null
}
