/**
 * A few WebAssembly instructions written out as bytes, and a module around functions made of them: enough for the
 * engine's small SIMD kernels (see adam.ts, pool.ts), which run over the wasm backend's own memory. No
 * compiler toolchain ships with the app, and these kernels are a few hundred bytes each.
 * Opcodes are those of the WebAssembly core and fixed-width SIMD specifications.
 */

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

export const I32 = 0x7f
export const F32 = 0x7d
export const V128 = 0x7b
export type ValueType = typeof I32 | typeof F32 | typeof V128

const simd = (code: number, ...immediates: number[]) => [0xfd, ...uleb(code), ...immediates]

/** Instructions; those taking an index or a constant are functions. */
export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (n: number) => [0x41, ...sleb(n)],
  f32: (x: number) => [0x43, ...new Uint8Array(Float32Array.of(x).buffer)],
  i32Eqz: [0x45],
  i32LtS: [0x48],
  i32LtU: [0x49],
  i32GeS: [0x4e],
  i32GeU: [0x4f],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32DivU: [0x6e],
  i32RemU: [0x70],
  i32And: [0x71],
  i32Or: [0x72],
  f32Load: [0x2a, 2, 0],
  f32Store: [0x38, 2, 0],
  f32Sqrt: [0x91],
  f32Add: [0x92],
  f32Mul: [0x94],
  f32Div: [0x95],
  f32Max: [0x97],
  v128Load: simd(0x00, 4, 0),
  v128Store: simd(0x0b, 4, 0),
  /** v128.load/store at a constant byte offset from the address on the stack. */
  v128LoadAt: (offset: number) => simd(0x00, 4, ...uleb(offset)),
  v128StoreAt: (offset: number) => simd(0x0b, 4, ...uleb(offset)),
  /** One float from memory in all four lanes. */
  f32x4LoadSplat: simd(0x09, 2, 0),
  v128Zero: simd(0x0c, ...new Array<number>(16).fill(0)),
  f32x4Splat: simd(0x13),
  f32x4Eq: simd(0x41),
  f32x4Gt: simd(0x44),
  v128And: simd(0x4e),
  v128AndNot: simd(0x4f),
  v128Or: simd(0x50),
  f32x4Sqrt: simd(0xe3),
  f32x4Add: simd(0xe4),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  f32x4Max: simd(0xe9),
  block: [0x02, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  br: (depth: number) => [0x0c, ...uleb(depth)]
}

/**
 * `for (i = from; i < to; i += step) body`, with `i`, `to` and `step` locals or constants given as code that pushes
 * them: the loop leaves when `i ≥ to` before each pass.
 */
export function forLoop(i: number, from: number[], to: number[], step: number[], body: number[]): number[] {
  const { block, loop, end, get, set, i32LtU, i32Eqz, brIf, br, i32Add } = op
  return [...from, ...set(i), ...block, ...loop, ...get(i), ...to, ...i32LtU, ...i32Eqz, ...brIf(1), ...body, ...get(i), ...step, ...i32Add, ...set(i), ...br(0), ...end, ...end]
}

/** One exported function: its parameters, its other locals (in order after the parameters), their names and its code. */
export interface WasmFunction {
  name: string
  params: ValueType[]
  locals: ValueType[]
  /** The name of each parameter and local, by index (for the readable dump, see emit.test.ts). */
  names: string[]
  code: number[]
}

/**
 * A function's registers: parameters and locals get their indices as they are declared (parameters first, as wasm
 * numbers them), each under a name, so that no kernel numbers its locals by hand.
 */
export interface Locals {
  /** Parameters of one type, in order; every parameter is declared before the first local. */
  params(type: ValueType, ...names: string[]): number[]
  i32(name: string): number
  f32(name: string): number
  v128(name: string): number
  /** `count` locals of one type, named `name0`, `name1`, … */
  group(type: ValueType, name: string, count: number): number[]
  /** Every register's type and name by index, and how many of them are parameters. */
  readonly types: readonly ValueType[]
  readonly names: readonly string[]
  readonly paramCount: number
}

/** A new, empty set of registers for one function (or several with the same signature). */
export function locals(): Locals {
  const types: ValueType[] = []
  const names: string[] = []
  let paramCount = 0
  const declare = (type: ValueType, name: string): number => {
    if (names.includes(name)) throw new Error(`wasm local '${name}' declared twice`)
    types.push(type)
    names.push(name)
    return types.length - 1
  }
  const local = (type: ValueType) => (name: string) => declare(type, name)
  return {
    types,
    names,
    get paramCount() {
      return paramCount
    },
    params(type, ...list) {
      if (types.length > paramCount) throw new Error('wasm parameters come before every local')
      const indices = list.map((name) => declare(type, name))
      paramCount = types.length
      return indices
    },
    i32: local(I32),
    f32: local(F32),
    v128: local(V128),
    group: (type, name, count) => Array.from({ length: count }, (_, i) => declare(type, `${name}${i}`))
  }
}

/** An exported function over the registers `registers` declared (made by {@link locals}). */
export function wasmFunction(name: string, registers: Locals, code: number[]): WasmFunction {
  const { types, names, paramCount } = registers
  return { name, params: types.slice(0, paramCount), locals: types.slice(paramCount), names: [...names], code }
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content]
}

const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))]

/** The custom "name" section: each function's name and its registers' names, which disassemblers print. */
function nameSection(functions: readonly WasmFunction[]): number[] {
  const functionNames = [...uleb(functions.length), ...functions.flatMap((f, i) => [...uleb(i), ...name(f.name)])]
  const localNames = [...uleb(functions.length), ...functions.flatMap((f, i) => [...uleb(i), ...uleb(f.names.length), ...f.names.flatMap((n, j) => [...uleb(j), ...name(n)])])]
  const subsection = (id: number, content: number[]) => [id, ...uleb(content.length), ...content]
  return section(0, [...name('name'), ...subsection(1, functionNames), ...subsection(2, localNames)])
}

/**
 * A module that imports env.memory (shared, as the threaded build's is, or not) and exports the functions; with
 * `names`, it also carries their names and their registers' names (for the readable dump; the engine runs without).
 */
export function moduleBytes(sharedMemory: boolean, functions: readonly WasmFunction[], options: { names?: boolean } = {}): Uint8Array {
  const types = section(1, [...uleb(functions.length), ...functions.flatMap((f) => [0x60, ...uleb(f.params.length), ...f.params, 0])])
  // Memory limits: at least one page; a shared memory must also name a maximum (4 GiB, the most wasm32 has).
  const limits = sharedMemory ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)]
  const imports = section(2, [1, ...name('env'), ...name('memory'), 0x02, ...limits])
  const declared = section(3, [...uleb(functions.length), ...functions.flatMap((_, i) => uleb(i))])
  const exports = section(7, [...uleb(functions.length), ...functions.flatMap((f, i) => [...name(f.name), 0x00, ...uleb(i)])])
  const bodies = functions.map((f) => {
    // Locals are declared as runs of one type.
    const runs: Array<[number, ValueType]> = []
    for (const type of f.locals) {
      const last = runs[runs.length - 1]
      if (last && last[1] === type) last[0]++
      else runs.push([1, type])
    }
    const body = [...uleb(runs.length), ...runs.flatMap(([n, type]) => [...uleb(n), type]), ...f.code, ...op.end]
    return [...uleb(body.length), ...body]
  })
  const code = section(10, [...uleb(functions.length), ...bodies.flat()])
  const names = options.names ? nameSection(functions) : []
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...declared, ...exports, ...code, ...names])
}

/** What the engine's kernels read of tfjs-backend-wasm's backend: its emscripten module (whose memory is `asm.memory` in the single-threaded build, `wasmMemory` in the threaded one). */
export interface WasmHeapBackend {
  wasm: { asm?: { memory?: unknown }; wasmMemory?: unknown }
}

/** The wasm memory the backend's tensors live in, for {@link instantiateOver}. */
export function backendMemory(backend: WasmHeapBackend): unknown {
  return backend.wasm.wasmMemory ?? backend.wasm.asm?.memory
}

/** The part of the WebAssembly JS API used here (this project's Node typings leave it out). */
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBufferLike }
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
}
export const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly

/** A module of kernels the engine emits, compiled once per memory it runs over. */
export interface KernelModule {
  name: string
  functions(): readonly WasmFunction[]
}

const kernelModules = new Map<string, KernelModule>()

/** Declares one of the engine's modules; every module is declared this way, so that tests can list them all. */
export function kernelModule(name: string, functions: () => readonly WasmFunction[]): KernelModule {
  if (kernelModules.has(name)) throw new Error(`kernel module '${name}' declared twice`)
  const module = { name, functions }
  kernelModules.set(name, module)
  return module
}

/** Every module declared so far (each kernel file declares its own when it is loaded). */
export function declaredKernelModules(): readonly KernelModule[] {
  return [...kernelModules.values()]
}

type Exports = Record<string, (...args: number[]) => void>

/**
 * Instantiates a module over a wasm memory (the backend's WebAssembly.Memory) and returns its exports, once per
 * memory and module; null where it cannot (not a wasm memory, no SIMD).
 */
export function instantiateOver(memory: unknown, module: KernelModule): Exports | null {
  if (!wasmApi || !(memory instanceof wasmApi.Memory)) return null
  const cache = instances.get(memory) ?? new Map<KernelModule, Exports | null>()
  instances.set(memory, cache)
  if (cache.has(module)) return cache.get(module) ?? null
  let exports: Exports | null = null
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer
    const instance = new wasmApi.Instance(new wasmApi.Module(moduleBytes(shared, module.functions())), { env: { memory } })
    exports = instance.exports as Exports
  } catch {
    exports = null
  }
  cache.set(module, exports)
  return exports
}

const instances = new WeakMap<object, Map<KernelModule, Exports | null>>()
