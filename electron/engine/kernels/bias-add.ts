/**
 * A tensor plus a bias along its last axis (every Conv2D and Dense layer's bias add while training, where tfjs-core
 * does not fuse it) as one WebAssembly SIMD pass over the wasm backend's memory. wasm's own Add broadcasts through
 * XNNPACK, which on the threaded build hands even this pass to its thread pool.
 */
import { forLoop, I32, instantiateOver, kernelModule, locals, op, wasmFunction, type WasmFunction } from './emit'

/** out[r, c] = x[r, c] + bias[c] for `rows` rows of `columns` floats (a multiple of 4), all at byte offsets. */
export type BiasAddKernel = (x: number, bias: number, out: number, rows: number, columns: number) => void

function biasAddFunction(): WasmFunction {
  const { get, set, i32, i32Add, i32Mul, v128Load, v128Store, f32x4Add } = op
  const L = locals()
  const [x, bias, out, rows, columns] = L.params(I32, 'x', 'bias', 'out', 'rows', 'columns')
  const [r, c, rowBytes, row] = [L.i32('r'), L.i32('c'), L.i32('rowBytes'), L.i32('row')]
  const rowAt = (base: number) => [...get(base), ...get(row), ...i32Add, ...get(c), ...i32Add]
  return wasmFunction('biasAdd', L, [
    ...get(columns), ...i32(4), ...i32Mul, ...set(rowBytes),
    ...forLoop(r, i32(0), get(rows), i32(1), [
      ...get(r), ...get(rowBytes), ...i32Mul, ...set(row),
      ...forLoop(c, i32(0), get(rowBytes), i32(16), [...rowAt(out), ...rowAt(x), ...v128Load, ...get(bias), ...get(c), ...i32Add, ...v128Load, ...f32x4Add, ...v128Store])
    ])
  ])
}

const BIAS_ADD = kernelModule('biasAdd', () => [biasAddFunction()])

/** The kernel bound to a wasm memory (the backend's WebAssembly.Memory), or null where it cannot run there. */
export function simdBiasAdd(memory: unknown): BiasAddKernel | null {
  const exports = instantiateOver(memory, BIAS_ADD)
  return exports ? (exports.biasAdd as BiasAddKernel) : null
}
