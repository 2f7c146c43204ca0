/**
 * Adam's update as a WebAssembly SIMD loop over the wasm backend's own memory: four weights per instruction, and
 * float32 square roots and divisions, which JavaScript can only do one float64 at a time (they are most of the update's cost).
 *
 * The module is a few hundred bytes, written out instruction by instruction (see emit.ts), and imports the
 * backend's memory, so it reads and writes the tensors where they are. Where it cannot run (no SIMD, a memory it
 * cannot import), {@link simdAdam} answers null and the caller keeps its JavaScript loop.
 */
import { F32, forLoop, I32, instantiateOver, kernelModule, locals, op, wasmFunction } from './emit'

/** Adam's constants for one update (see fusedAdam): moments' decay and weight, bias corrections as reciprocals, ε, −learning rate. */
export interface AdamConstants {
  b1: number
  b2: number
  c1: number
  c2: number
  r1: number
  r2: number
  epsilon: number
  step: number
}

/**
 * Updates `count` weights in place in wasm memory, all arguments byte offsets into it: m ← b1·m + c1·g,
 * v ← b2·v + c2·g², out ← w + step·(r1·m) / (√(r2·v) + ε).
 */
export type AdamKernel = (w: number, g: number, m: number, v: number, out: number, count: number, k: AdamConstants) => void

const L = locals()
// Parameters: byte offsets w, g, m, v, out; count; then the constants b1, b2, c1, c2, r1, r2, ε, step.
const [W, G, M, V, OUT, COUNT] = L.params(I32, 'w', 'g', 'm', 'v', 'out', 'count')
const CONSTANT_NAMES = ['b1', 'b2', 'c1', 'c2', 'r1', 'r2', 'epsilon', 'step']
const CONSTANTS = L.params(F32, ...CONSTANT_NAMES)
// The byte position, the end of the whole vectors, the constants splatted, and scratch (vectors, then single floats).
const AT = L.i32('at')
const VEC_END = L.i32('vecEnd')
const SPLAT = CONSTANT_NAMES.map((name) => L.v128(`${name}x4`))
const [GV, MV, VV] = [L.v128('gx4'), L.v128('mx4'), L.v128('vx4')]
const [GS, MS, VS] = [L.f32('g1'), L.f32('m1'), L.f32('v1')]

/** The update of one group of lanes: `load`/`store` and the arithmetic for vectors (f32x4) or single floats (f32). */
function update(lanes: 'vector' | 'scalar'): number[] {
  const { get, set, tee, i32Add } = op
  const vector = lanes === 'vector'
  const [load, store] = vector ? [op.v128Load, op.v128Store] : [op.f32Load, op.f32Store]
  const [add, mul, div, sqrt] = vector ? [op.f32x4Add, op.f32x4Mul, op.f32x4Div, op.f32x4Sqrt] : [op.f32Add, op.f32Mul, op.f32Div, op.f32Sqrt]
  const k = (i: number) => (vector ? get(SPLAT[i]) : get(CONSTANTS[i]))
  const [g, m, v] = vector ? [GV, MV, VV] : [GS, MS, VS]
  const at = (base: number) => [...get(base), ...get(AT), ...i32Add]
  return [
    // g = *g
    ...at(G), ...load, ...set(g),
    // m = b1·m + c1·g, stored
    ...at(M), ...at(M), ...load, ...k(0), ...mul, ...get(g), ...k(2), ...mul, ...add, ...tee(m), ...store,
    // v = b2·v + c2·g·g, stored
    ...at(V), ...at(V), ...load, ...k(1), ...mul, ...get(g), ...get(g), ...mul, ...k(3), ...mul, ...add, ...tee(v), ...store,
    // out = w + (r1·m) / (√(r2·v) + ε) · step
    ...at(OUT), ...at(W), ...load, ...get(m), ...k(4), ...mul, ...get(v), ...k(5), ...mul, ...sqrt, ...k(6), ...add, ...div, ...k(7), ...mul, ...add, ...store
  ]
}

function adamCode(): number[] {
  const { get, set, i32, i32And, i32Mul } = op
  const splats: number[] = []
  CONSTANTS.forEach((constant, i) => splats.push(...get(constant), ...op.f32x4Splat, ...set(SPLAT[i])))
  return [
    ...splats,
    // Whole vectors up to count rounded down to 4 floats (in bytes), then the last 0–3 floats one at a time.
    ...get(COUNT), ...i32(-4), ...i32And, ...i32(4), ...i32Mul, ...set(VEC_END),
    ...forLoop(AT, i32(0), get(VEC_END), i32(16), update('vector')),
    ...get(COUNT), ...i32(4), ...i32Mul, ...set(VEC_END),
    ...forLoop(AT, get(AT), get(VEC_END), i32(4), update('scalar'))
  ]
}

const ADAM = kernelModule('adam', () => [wasmFunction('adam', L, adamCode())])

/** The kernel bound to a wasm memory (the backend's WebAssembly.Memory), or null where it cannot run there. */
export function simdAdam(memory: unknown): AdamKernel | null {
  const exports = instantiateOver(memory, ADAM)
  if (!exports) return null
  const adam = exports.adam
  return (w, g, m, v, out, count, k) => adam(w, g, m, v, out, count, k.b1, k.b2, k.c1, k.c2, k.r1, k.r2, k.epsilon, k.step)
}
