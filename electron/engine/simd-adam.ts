/**
 * Adam's update as a WebAssembly SIMD loop over the wasm backend's own memory: four weights per instruction, and
 * float32 square roots and divisions, which JavaScript can only do one float64 at a time (they are most of the update's cost).
 *
 * The module is a few hundred bytes, written out here instruction by instruction (no compiler toolchain ships with
 * the app), and imports the backend's memory, so it reads and writes the tensors where they are. Where it cannot run
 * (no SIMD, a memory it cannot import), {@link simdAdam} answers null and the caller keeps its JavaScript loop.
 */

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

/** Unsigned LEB128, as wasm writes every index, count and length. */
function uleb(n: number): number[] {
  const out: number[] = []
  do {
    let byte = n & 0x7f
    n >>>= 7
    if (n !== 0) byte |= 0x80
    out.push(byte)
  } while (n !== 0)
  return out
}

/** Signed LEB128, for i32.const. */
function sleb(n: number): number[] {
  const out: number[] = []
  for (;;) {
    const byte = n & 0x7f
    n >>= 7
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte)
      return out
    }
    out.push(byte | 0x80)
  }
}

const I32 = 0x7f
const F32 = 0x7d
const V128 = 0x7b

/** The instructions the kernel uses (opcodes from the WebAssembly core and SIMD specifications). */
const get = (i: number) => [0x20, ...uleb(i)]
const set = (i: number) => [0x21, ...uleb(i)]
const tee = (i: number) => [0x22, ...uleb(i)]
const i32 = (n: number) => [0x41, ...sleb(n)]
const i32Add = [0x6a]
const i32And = [0x71]
const i32LtU = [0x49]
const f32Load = [0x2a, 2, 0]
const f32Store = [0x38, 2, 0]
const f32Add = [0x92]
const f32Mul = [0x94]
const f32Div = [0x95]
const f32Sqrt = [0x91]
const simd = (code: number, ...immediates: number[]) => [0xfd, ...uleb(code), ...immediates]
const v128Load = simd(0x00, 4, 0)
const v128Store = simd(0x0b, 4, 0)
const f32x4Splat = simd(0x13)
const f32x4Sqrt = simd(0xe3)
const f32x4Add = simd(0xe4)
const f32x4Mul = simd(0xe6)
const f32x4Div = simd(0xe7)
const block = [0x02, 0x40]
const loop = [0x03, 0x40]
const end = [0x0b]
const brIf = (depth: number) => [0x0d, ...uleb(depth)]
const br = (depth: number) => [0x0c, ...uleb(depth)]

// Parameters: byte offsets w, g, m, v, out; count; then the constants b1, b2, c1, c2, r1, r2, ε, step.
const [W, G, M, V, OUT, COUNT] = [0, 1, 2, 3, 4, 5]
const CONSTANTS = 6
// Locals after the parameters: the byte position, the end of the whole vectors, the constants splatted, and scratch.
const AT = 14
const VEC_END = 15
const SPLAT = 16 // 8 v128 locals: 16..23
const [GV, MV, VV] = [24, 25, 26]
const [GS, MS, VS] = [27, 28, 29]

/** The update of one group of lanes: `load`/`store` and the arithmetic for vectors (f32x4) or single floats (f32). */
function update(lanes: 'vector' | 'scalar'): number[] {
  const vector = lanes === 'vector'
  const load = vector ? v128Load : f32Load
  const store = vector ? v128Store : f32Store
  const [add, mul, div, sqrt] = vector ? [f32x4Add, f32x4Mul, f32x4Div, f32x4Sqrt] : [f32Add, f32Mul, f32Div, f32Sqrt]
  const k = (i: number) => (vector ? get(SPLAT + i) : get(CONSTANTS + i))
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

function functionBody(): number[] {
  const splats: number[] = []
  for (let i = 0; i < 8; i++) splats.push(...get(CONSTANTS + i), ...f32x4Splat, ...set(SPLAT + i))
  const code = [
    ...splats,
    // The whole vectors end at count rounded down to 4 floats, in bytes.
    ...get(COUNT), ...i32(-4), ...i32And, ...i32(4), ...[0x6c], ...set(VEC_END), // i32.mul
    ...i32(0), ...set(AT),
    ...block, ...loop,
    ...get(AT), ...get(VEC_END), ...i32LtU, ...[0x45], ...brIf(1), // i32.eqz: leave when at ≥ end
    ...update('vector'),
    ...get(AT), ...i32(16), ...i32Add, ...set(AT), ...br(0),
    ...end, ...end,
    // The last 0–3 floats one at a time.
    ...get(COUNT), ...i32(4), ...[0x6c], ...set(VEC_END),
    ...block, ...loop,
    ...get(AT), ...get(VEC_END), ...i32LtU, ...[0x45], ...brIf(1),
    ...update('scalar'),
    ...get(AT), ...i32(4), ...i32Add, ...set(AT), ...br(0),
    ...end, ...end,
    ...end
  ]
  const locals = [
    [2, I32],
    [8 + 3, V128],
    [3, F32]
  ]
  const declared = [...uleb(locals.length), ...locals.flatMap(([n, type]) => [...uleb(n), type])]
  const body = [...declared, ...code]
  return [...uleb(body.length), ...body]
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content]
}

const utf8 = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))]

/** The module's bytes: it imports env.memory (shared, as the threaded build's is, or not) and exports `adam`. */
export function adamModuleBytes(sharedMemory: boolean): Uint8Array {
  const params = [I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32]
  const type = section(1, [1, 0x60, ...uleb(params.length), ...params, 0])
  // Memory limits: at least one page; a shared memory must also name a maximum (4 GiB, the most wasm32 has).
  const limits = sharedMemory ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)]
  const imports = section(2, [1, ...utf8('env'), ...utf8('memory'), 0x02, ...limits])
  const functions = section(3, [1, 0])
  const exports = section(7, [1, ...utf8('adam'), 0x00, 0])
  const code = section(10, [1, ...functionBody()])
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...imports, ...functions, ...exports, ...code])
}

/** The part of the WebAssembly JS API used here (this project's Node typings leave it out). */
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBufferLike }
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly

const kernels = new WeakMap<object, AdamKernel | null>()

/** The kernel bound to a wasm memory (the backend's WebAssembly.Memory), or null where it cannot run there. */
export function simdAdam(memory: unknown): AdamKernel | null {
  if (!wasmApi || !(memory instanceof wasmApi.Memory)) return null
  if (kernels.has(memory)) return kernels.get(memory) ?? null
  let kernel: AdamKernel | null = null
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer
    const instance = new wasmApi.Instance(new wasmApi.Module(adamModuleBytes(shared)), { env: { memory } })
    const adam = instance.exports.adam as (...args: number[]) => void
    kernel = (w, g, m, v, out, count, k) => adam(w, g, m, v, out, count, k.b1, k.b2, k.c1, k.c2, k.r1, k.r2, k.epsilon, k.step)
  } catch {
    kernel = null
  }
  kernels.set(memory, kernel)
  return kernel
}
