/**
 * ReLU and its gradient as WebAssembly SIMD passes over the wasm backend's memory. The gradient, dx = dy where x > 0
 * and 0 elsewhere, is three kernels in tfjs-core (step, cast, multiply), each a pass over the whole activation: after
 * the first convolution of a CNN that is 700k floats each, three times a step. ReLU itself is XNNPACK's clamp in wasm,
 * which the threaded build hands to its thread pool.
 */
import { forLoop, I32, instantiateOver, kernelModule, locals, op, wasmFunction, type WasmFunction } from './emit'

/** dx at byte offset `dx` from dy and x (all `count` floats, a multiple of 4). */
export type ReluGradKernel = (dy: number, x: number, dx: number, count: number) => void

function reluGradFunction(): WasmFunction {
  const { get, set, i32, f32, i32Add, i32Mul, f32x4Splat, f32x4Gt, v128Load, v128Store, v128And } = op
  const L = locals()
  const [dy, x, dx, count] = L.params(I32, 'dy', 'x', 'dx', 'count')
  const [at, end, zero] = [L.i32('at'), L.i32('end'), L.v128('zero')]
  const from = (base: number) => [...get(base), ...get(at), ...i32Add]
  return wasmFunction('reluGrad', L, [
    ...f32(0), ...f32x4Splat, ...set(zero),
    ...get(count), ...i32(4), ...i32Mul, ...set(end),
    ...forLoop(at, i32(0), get(end), i32(16), [...from(dx), ...from(dy), ...v128Load, ...from(x), ...v128Load, ...get(zero), ...f32x4Gt, ...v128And, ...v128Store])
  ])
}

/** y = max(x, 0) at byte offset `y` (`count` floats, a multiple of 4); NaN stays NaN. */
export type ReluKernel = (x: number, y: number, count: number) => void

function reluFunction(): WasmFunction {
  const { get, set, i32, f32, i32Add, i32Mul, f32x4Splat, f32x4Max, v128Load, v128Store } = op
  const L = locals()
  const [x, y, count] = L.params(I32, 'x', 'y', 'count')
  const [at, end, zero] = [L.i32('at'), L.i32('end'), L.v128('zero')]
  const from = (base: number) => [...get(base), ...get(at), ...i32Add]
  return wasmFunction('relu', L, [
    ...f32(0), ...f32x4Splat, ...set(zero),
    ...get(count), ...i32(4), ...i32Mul, ...set(end),
    ...forLoop(at, i32(0), get(end), i32(16), [...from(y), ...from(x), ...v128Load, ...get(zero), ...f32x4Max, ...v128Store])
  ])
}

const RELU = kernelModule('relu', () => [reluFunction()])
const RELU_GRAD = kernelModule('reluGrad', () => [reluGradFunction()])

/** ReLU bound to a wasm memory (the backend's WebAssembly.Memory), or null where it cannot run there. */
export function simdRelu(memory: unknown): ReluKernel | null {
  const exports = instantiateOver(memory, RELU)
  return exports ? (exports.relu as ReluKernel) : null
}

/** The kernel bound to a wasm memory (the backend's WebAssembly.Memory), or null where it cannot run there. */
export function simdReluGrad(memory: unknown): ReluGradKernel | null {
  const exports = instantiateOver(memory, RELU_GRAD)
  return exports ? (exports.reluGrad as ReluGradKernel) : null
}
