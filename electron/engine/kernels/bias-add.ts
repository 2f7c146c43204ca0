/**
 * A tensor plus a bias along its last axis (every Conv2D and Dense layer's bias add while training, where tfjs-core
 * does not fuse it) as one WebAssembly SIMD pass over the wasm backend's memory. wasm's own Add broadcasts through
 * XNNPACK, which on the threaded build hands even this pass to its thread pool.
 */
import { forLoop, I32, instantiateOver, op, type ValueType } from './emit'

/** out[r, c] = x[r, c] + bias[c] for `rows` rows of `columns` floats (a multiple of 4), all at byte offsets. */
export type BiasAddKernel = (x: number, bias: number, out: number, rows: number, columns: number) => void

const [X, BIAS, OUT, ROWS, COLS] = [0, 1, 2, 3, 4]
const PARAMS: ValueType[] = [I32, I32, I32, I32, I32]
const [R, C, ROW_BYTES, ROW] = [5, 6, 7, 8]
const LOCALS: ValueType[] = [I32, I32, I32, I32]

function biasAddCode(): number[] {
  const { get, set, i32, i32Add, i32Mul, v128Load, v128Store, f32x4Add } = op
  const rowAt = (base: number) => [...get(base), ...get(ROW), ...i32Add, ...get(C), ...i32Add]
  return [
    ...get(COLS), ...i32(4), ...i32Mul, ...set(ROW_BYTES),
    ...forLoop(R, i32(0), get(ROWS), i32(1), [
      ...get(R), ...get(ROW_BYTES), ...i32Mul, ...set(ROW),
      ...forLoop(C, i32(0), get(ROW_BYTES), i32(16), [...rowAt(OUT), ...rowAt(X), ...v128Load, ...get(BIAS), ...get(C), ...i32Add, ...v128Load, ...f32x4Add, ...v128Store])
    ])
  ]
}

/** The kernel bound to a wasm memory (the backend's WebAssembly.Memory), or null where it cannot run there. */
export function simdBiasAdd(memory: unknown): BiasAddKernel | null {
  const exports = instantiateOver(memory, 'biasAdd', () => [{ name: 'biasAdd', params: PARAMS, locals: LOCALS, code: biasAddCode() }])
  return exports ? (exports.biasAdd as BiasAddKernel) : null
}
