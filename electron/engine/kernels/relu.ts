/**
 * ReLU and its gradient as WebAssembly SIMD passes over the wasm backend's memory. The gradient, dx = dy where x > 0
 * and 0 elsewhere, is three kernels in tfjs-core (step, cast, multiply), each a pass over the whole activation: after
 * the first convolution of a CNN that is 700k floats each, three times a step. ReLU itself is XNNPACK's clamp in wasm,
 * which the threaded build hands to its thread pool.
 */
import { forLoop, I32, instantiateOver, op, V128, type ValueType } from './emit'

/** dx at byte offset `dx` from dy and x (all `count` floats, a multiple of 4). */
export type ReluGradKernel = (dy: number, x: number, dx: number, count: number) => void

const [DY, X, DX, COUNT] = [0, 1, 2, 3]
const PARAMS: ValueType[] = [I32, I32, I32, I32]
const [AT, END, ZERO] = [4, 5, 6]
const LOCALS: ValueType[] = [I32, I32, V128]

function reluGradCode(): number[] {
  const { get, set, i32, f32, i32Add, i32Mul, f32x4Splat, f32x4Gt, v128Load, v128Store, v128And } = op
  const at = (base: number) => [...get(base), ...get(AT), ...i32Add]
  return [
    ...f32(0), ...f32x4Splat, ...set(ZERO),
    ...get(COUNT), ...i32(4), ...i32Mul, ...set(END),
    ...forLoop(AT, i32(0), get(END), i32(16), [...at(DX), ...at(DY), ...v128Load, ...at(X), ...v128Load, ...get(ZERO), ...f32x4Gt, ...v128And, ...v128Store])
  ]
}

/** y = max(x, 0) at byte offset `y` (`count` floats, a multiple of 4); NaN stays NaN. */
export type ReluKernel = (x: number, y: number, count: number) => void

const [RX, RY, RCOUNT] = [0, 1, 2]
const [RAT, REND, RZERO] = [3, 4, 5]

function reluCode(): number[] {
  const { get, set, i32, f32, i32Add, i32Mul, f32x4Splat, f32x4Max, v128Load, v128Store } = op
  const at = (base: number) => [...get(base), ...get(RAT), ...i32Add]
  return [
    ...f32(0), ...f32x4Splat, ...set(RZERO),
    ...get(RCOUNT), ...i32(4), ...i32Mul, ...set(REND),
    ...forLoop(RAT, i32(0), get(REND), i32(16), [...at(RY), ...at(RX), ...v128Load, ...get(RZERO), ...f32x4Max, ...v128Store])
  ]
}

/** ReLU bound to a wasm memory (the backend's WebAssembly.Memory), or null where it cannot run there. */
export function simdRelu(memory: unknown): ReluKernel | null {
  const exports = instantiateOver(memory, 'relu', () => [{ name: 'relu', params: [I32, I32, I32], locals: [I32, I32, V128], code: reluCode() }])
  return exports ? (exports.relu as ReluKernel) : null
}

/** The kernel bound to a wasm memory (the backend's WebAssembly.Memory), or null where it cannot run there. */
export function simdReluGrad(memory: unknown): ReluGradKernel | null {
  const exports = instantiateOver(memory, 'reluGrad', () => [{ name: 'reluGrad', params: PARAMS, locals: LOCALS, code: reluGradCode() }])
  return exports ? (exports.reluGrad as ReluGradKernel) : null
}
