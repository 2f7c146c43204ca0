/**
 * Gradient kernels that `@tensorflow/tfjs-backend-wasm` 4.22 lacks, so that every layer in the catalog trains on wasm.
 *
 * Found by training one step of every catalog layer, loss and optimizer on wasm and collecting
 * "Kernel 'X' not registered for backend 'wasm'" (see tf-kernels.test.ts, which keeps that sweep):
 * - `Conv2DBackpropFilter`: the filter gradient of Conv2D, so also of Conv1D (a Conv2D of height 1),
 *   Conv2DTranspose and the pointwise half of SeparableConv2D. Without it no CNN trains on wasm. It runs as blocked
 *   products of the patch matrix on every core (conv-gemm.ts).
 * - `DepthwiseConv2dNativeBackpropFilter`: the filter gradient of DepthwiseConv2D and of the depthwise half of SeparableConv2D.
 * - `DepthwiseConv2dNativeBackpropInput`: the input gradient of the same, needed whenever a layer sits below it.
 * - `UnsortedSegmentSum`: the gradient of Gather (tfjs-core's GatherV2 gradient scatters through it), so Embedding.
 * - `MaxPool` (replaced for speed, one case): the usual 2×2 pooling with stride 2 as a SIMD loop (pool.ts) on the
 *   engine's thread, so that a training step does not wake XNNPACK's thread pool for it.
 * - `MaxPoolGrad` (replaced, not missing): wasm's own sends the gradient of any pooling window whose maximum is not positive
 *   to element 0 of the input instead of to the window's maximum, so MaxPooling1D/2D after anything that can output
 *   negatives or zeros (BatchNormalization, tanh, a ReLU's dead windows, a linear conv) trains on wrong gradients.
 *   The usual 2×2 pooling with stride 2 runs as a SIMD loop (pool.ts), the rest as a JavaScript one.
 * - `Conv2DBackpropInput` (replaced for speed): wasm's own is a scalar loop, a large part of a CNN's training step;
 *   this one is dy · Wᵀ added back onto the input's pixels, as blocked products on every core (conv-gemm.ts).
 * - `Conv2D` (replaced for speed, NHWC without dilation): the same blocked products. A first layer on one channel is a
 *   little slower here than in XNNPACK, but XNNPACK's would wake its thread pool, whose thread then competes with
 *   conv-gemm's for the second core, so the seed CNN trains faster with every convolution here (the measurements are
 *   in scripts/bench/README.md).
 * - `BatchMatMul` and `_FusedMatMul` (replaced for speed): wasm's own only uses XNNPACK when neither side is transposed
 *   and falls back to a scalar loop otherwise, which is what every Dense layer's gradients ask for (xᵀ·dy, dy·Wᵀ), and
 *   XNNPACK repacks the weights on every call (Adam moves them every step). Single matrices run on the engine's own
 *   SIMD kernel (gemm.ts), which reads xᵀ through strides and applies a dense layer's bias and ReLU as it stores;
 *   batched products keep wasm's own.
 * - ReLU's gradient (tfjs-core's step, cast and multiply) is one SIMD kernel of Strata's own, `StrataReluGrad`.
 * - `Sum` (replaced for speed, one case): every bias gradient sums over all axes but the last, and wasm's own first
 *   transposes the whole input for that; this one sums it in one SIMD pass.
 * - `Add` (replaced for speed, one case): a tensor plus a bias along its last axis (every layer's bias add while
 *   training) in one SIMD pass instead of XNNPACK's broadcast, which the threaded build hands to its thread pool.
 * - `Relu` (replaced for speed): one SIMD pass instead of XNNPACK's clamp, which the threaded build hands to its pool.
 * - `Identity` (replaced for speed): the engine clones every tensor a gradient needs through Identity, and wasm's copies
 *   the buffer each time (26 copies a step for the seed MLP, its weights among them); this one shares the buffer, as the
 *   cpu backend's does (tensors are immutable; Strata's fused Adam only writes in place into buffers nothing else holds).
 * Everything else the catalog's layers, the Adam/SGD(momentum)/RMSprop optimizers and the cross-entropy/MSE losses
 * need forward and backward is registered by tfjs-backend-wasm itself.
 *
 * Dilated Conv2D/Conv1D/SeparableConv2D train on no backend in tfjs 4.22: tfjs-core's gradients refuse dilation
 * rates above 1 before any kernel runs, so no kernel here can help; the depthwise kernels still honour dilations.
 */
import type * as TfModule from '@tensorflow/tfjs'
import type {
  BatchMatMulAttrs,
  Conv2DAttrs,
  _FusedMatMulAttrs,
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInputAttrs,
  DataType,
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInputAttrs,
  KernelFunc,
  MaxPoolAttrs,
  MaxPoolGradAttrs,
  NamedAttrMap,
  NamedTensorInfoMap,
  TensorInfo,
  TypedArray,
  SumAttrs,
  UnsortedSegmentSumAttrs
} from '@tensorflow/tfjs'
import { convKernels, type ConvShape, type Scratch } from './conv-gemm'
import { simdBiasAdd } from './bias-add'
import { simdMaxPool, simdMaxPoolGrad } from './pool'
import { simdRelu, simdReluGrad, type ReluGradKernel } from './relu'
import { GEMM_RELU, simdGemm } from './gemm'
import { simdColumnSum } from './sum'
import { backendMemory, type WasmHeapBackend } from './emit'

type Tf = typeof TfModule

/** The part of tfjs-backend-wasm's BackendWasm these kernels use (its type is not worth a dependency on the package). */
export interface WasmBackend extends WasmHeapBackend {
  /** Where each tensor's data is in wasm memory. */
  dataIdMap: { get(dataId: object): { memoryOffset: number } }
  makeOutput(shape: number[], dtype: DataType): TensorInfo
  typedArrayFromHeap(info: TensorInfo): TypedArray
  disposeData(dataId: object): boolean
  incRef(dataId: object): void
}

interface KernelArgs<I extends string, A> {
  inputs: Record<I, TensorInfo>
  backend: WasmBackend
  attrs: A
}

/** A kernel function at the backend level: takes the engine's argument bag, returns a tensor info. */
type RawKernel = (args: { inputs: NamedTensorInfoMap; backend: WasmBackend; attrs: NamedAttrMap }) => TensorInfo

/** The kernels tfjs-backend-wasm 4.22 lacks and this module adds, by name. */
export const WASM_GRADIENT_KERNELS = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum'
] as const

/** The wasm kernels that exist but compute wrong results or are far too slow, which this module replaces, by name. */
export const WASM_REPLACED_KERNELS = ['MaxPool', 'MaxPoolGrad', 'Conv2D', 'Conv2DBackpropInput', 'BatchMatMul', '_FusedMatMul', 'Identity', 'Sum', 'Add', 'Relu'] as const

type KernelName = (typeof WASM_GRADIENT_KERNELS)[number] | (typeof WASM_REPLACED_KERNELS)[number]

/** Kernel functions this module registered, so that a second call recognises its own work. */
const ours = new WeakSet<KernelFunc>()

/**
 * Registers on the `wasm` backend every kernel in WASM_GRADIENT_KERNELS it lacks and replaces those in
 * WASM_REPLACED_KERNELS; safe to call more than once, and a missing kernel a later tfjs-backend-wasm ships is left as it is.
 * Returns the names it registered by this call.
 */
export function registerMissingWasmKernels(tf: Tf): string[] {
  registerReluGradient(tf)
  const registered: string[] = []
  for (const { kernelName, make } of kernelFactories(tf)) {
    const existing = tf.getKernel(kernelName, 'wasm')
    if (existing != null) {
      const replace = (WASM_REPLACED_KERNELS as readonly string[]).includes(kernelName) && !ours.has(existing.kernelFunc)
      if (!replace) continue
      tf.unregisterKernel(kernelName, 'wasm')
    }
    // A replaced kernel keeps its setup (it binds the wasm function the original, which ours may call, needs).
    const kernelFunc = make((existing?.kernelFunc as unknown as RawKernel | undefined) ?? null)
    ours.add(kernelFunc)
    tf.registerKernel({ ...existing, kernelName, backendName: 'wasm', kernelFunc })
    registered.push(kernelName)
  }
  return registered
}

/** The kernel ReLU's gradient runs on wasm: dx = dy where x > 0 (relu.ts). */
const RELU_GRAD_KERNEL = 'StrataReluGrad'

/**
 * ReLU's gradient as one SIMD pass on wasm, where tfjs-core's gradient is three kernels (step, cast, multiply) over the
 * whole activation; elsewhere (other backends, sizes not in fours) tfjs-core's own formula. Registered once per process.
 */
function registerReluGradient(tf: Tf): void {
  if (tf.getKernel(RELU_GRAD_KERNEL, 'wasm') != null) return
  tf.registerKernel({
    kernelName: RELU_GRAD_KERNEL,
    backendName: 'wasm',
    kernelFunc: (({ inputs, backend }: KernelArgs<'dy' | 'x', NamedAttrMap>) => {
      const out = backend.makeOutput([...inputs.x.shape], 'float32')
      const at = (t: TensorInfo) => heapOffset(backend, t)
      ;(simdReluGrad(backendMemory(backend)) as ReluGradKernel)(at(inputs.dy), at(inputs.x), at(out), tf.util.sizeFromShape(inputs.x.shape))
      return out
    }) as unknown as KernelFunc
  })
  tf.registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (gradient, saved) => {
      const dy = gradient as TfModule.Tensor
      const [x] = saved
      const simd = tf.getBackend() === 'wasm' && x.dtype === 'float32' && dy.dtype === 'float32' && x.size % 4 === 0
      const fast = simd && simdReluGrad(backendMemory(tf.backend() as unknown as WasmBackend)) != null
      return { x: () => (fast ? (tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, x }) as TfModule.Tensor) : tf.mul(dy, tf.cast(tf.step(x), 'float32'))) }
    }
  })
}

interface KernelFactory {
  kernelName: KernelName
  /** Builds the kernel function; `original` is the wasm kernel it replaces, if any. */
  make: (original: RawKernel | null) => KernelFunc
}

function kernelFactories(tf: Tf): KernelFactory[] {
  const kernel = <I extends string, A>(kernelName: KernelName, fn: (args: KernelArgs<I, A>, original: RawKernel | null) => TensorInfo): KernelFactory => ({
    kernelName,
    // The engine hands every kernel the same loose argument bag; each kernel reads the attrs tfjs-core documents for it.
    make: (original) => ((args: KernelArgs<I, A>) => fn(args, original)) as unknown as KernelFunc
  })
  return [
    kernel<'x' | 'filter', Conv2DAttrs>('Conv2D', (args, original) => conv2D(tf, args, original)),
    kernel<'x' | 'dy', Conv2DBackpropFilterAttrs>('Conv2DBackpropFilter', (args) => conv2DBackpropFilter(tf, args)),
    kernel<'dy' | 'filter', Conv2DBackpropInputAttrs>('Conv2DBackpropInput', (args, original) => conv2DBackpropInput(tf, args, original)),
    kernel<'a' | 'b', BatchMatMulAttrs>('BatchMatMul', (args, original) => batchMatMul(tf, args, original)),
    kernel<'a' | 'b' | 'bias' | 'preluActivationWeights', _FusedMatMulAttrs>('_FusedMatMul', (args, original) => fusedMatMul(tf, args, original)),
    kernel<'x' | 'dy', DepthwiseConv2dNativeBackpropFilterAttrs>('DepthwiseConv2dNativeBackpropFilter', (args) => depthwiseBackpropFilter(tf, args)),
    kernel<'dy' | 'filter', DepthwiseConv2dNativeBackpropInputAttrs>('DepthwiseConv2dNativeBackpropInput', (args) => depthwiseBackpropInput(tf, args)),
    kernel<'x' | 'segmentIds', UnsortedSegmentSumAttrs>('UnsortedSegmentSum', (args) => unsortedSegmentSum(tf, args)),
    kernel<'x', MaxPoolAttrs>('MaxPool', (args, original) => maxPool(tf, args, original)),
    kernel<'dy' | 'input' | 'output', MaxPoolGradAttrs>('MaxPoolGrad', (args) => maxPoolGrad(tf, args)),
    kernel<'x', NamedAttrMap>('Identity', (args, original) => identity(args, original)),
    kernel<'x', SumAttrs>('Sum', (args, original) => sum(tf, args, original)),
    kernel<'a' | 'b', NamedAttrMap>('Add', (args, original) => add(tf, args, original)),
    kernel<'x', NamedAttrMap>('Relu', (args, original) => relu(tf, args, original))
  ]
}

/** Runs a kernel wasm already has, at the backend level (no tensors, no tape); the caller disposes what it returns. */
export function runWasmKernel(tf: Tf, name: string, backend: WasmBackend, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
  const config = tf.getKernel(name, 'wasm')
  if (config == null) throw new Error(`wasm backend has no '${name}' kernel`)
  return config.kernelFunc({ inputs, backend: backend as never, attrs }) as TensorInfo
}

/** Where a tensor's data starts in wasm memory, in bytes. */
export function heapOffset(backend: WasmBackend, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset
}

function float32View(backend: WasmBackend, info: TensorInfo): Float32Array {
  const view = backend.typedArrayFromHeap(info)
  if (!(view instanceof Float32Array)) throw new Error(`expected a float32 tensor, got ${info.dtype}`)
  return view
}

/** NCHW explicit padding lists the channel axis second; the NHWC kernels below want it last. */
function padToNhwc(pad: Conv2DBackpropFilterAttrs['pad']): Conv2DBackpropFilterAttrs['pad'] {
  return Array.isArray(pad) ? [pad[0], pad[2], pad[3], pad[1]] : pad
}

type ConvInfo = ReturnType<Tf['backend_util']['computeConv2DInfo']>

function convShape(info: ConvInfo): ConvShape {
  const { batchSize, inHeight, inWidth, inChannels, filterHeight, filterWidth, outHeight, outWidth, outChannels, strideHeight, strideWidth } = info
  return { batchSize, inHeight, inWidth, inChannels, filterHeight, filterWidth, outHeight, outWidth, outChannels, strideHeight, strideWidth, top: info.padInfo.top, left: info.padInfo.left }
}

/** Scratch buffers on the backend's heap for one kernel call, freed together. */
function scratchOn(backend: WasmBackend): Scratch {
  const held: TensorInfo[] = []
  return {
    allocate(floats) {
      const t = backend.makeOutput([Math.max(1, floats)], 'float32')
      held.push(t)
      return heapOffset(backend, t)
    },
    release() {
      for (const t of held) backend.disposeData(t.dataId)
    }
  }
}

/** Runs one of conv-gemm's kernels with scratch memory that is freed whatever happens. */
function withScratch(backend: WasmBackend, run: (scratch: Scratch) => void): void {
  const scratch = scratchOn(backend)
  try {
    run(scratch)
  } finally {
    scratch.release()
  }
}

const undilated = (d: number | [number, number] | undefined) => d == null || (Array.isArray(d) ? d.every((v) => v === 1) : d === 1)

/**
 * An NHWC float32 Conv2D without dilation as blocked products on every core (conv-gemm.ts); anything else by wasm's own
 * (XNNPACK).
 */
function conv2D(tf: Tf, { inputs, backend, attrs }: KernelArgs<'x' | 'filter', Conv2DAttrs>, original: RawKernel | null): TensorInfo {
  if (original == null) throw new Error("wasm backend has no 'Conv2D' kernel to speed up")
  const { x, filter } = inputs
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs
  const kernels = dataFormat !== 'NCHW' && undilated(dilations) && x.dtype === 'float32' && filter.dtype === 'float32' ? convKernels(backendMemory(backend)) : null
  if (!kernels) return original({ inputs: { x, filter }, backend, attrs: attrs as unknown as NamedAttrMap })
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast'
  )
  const y = backend.makeOutput(info.outShape, 'float32')
  withScratch(backend, (scratch) => kernels.forward(convShape(info), heapOffset(backend, x), heapOffset(backend, filter), heapOffset(backend, y), scratch))
  return y
}

/**
 * dW[kh, kw, ci, co] = Σ over batch and output pixels of x[b, oh·sh + kh − top, ow·sw + kw − left, ci] · dy[b, oh, ow, co],
 * by conv-gemm's blocked products (an NCHW convolution's tensors are transposed to NHWC for them first).
 */
function conv2DBackpropFilter(tf: Tf, { inputs, backend, attrs }: KernelArgs<'x' | 'dy', Conv2DBackpropFilterAttrs>): TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs
  // The kernels run wherever WebAssembly has SIMD: every runtime Strata supports (Node 20, Electron, browsers since 2021).
  const kernels = inputs.x.dtype === 'float32' && inputs.dy.dtype === 'float32' ? convKernels(backendMemory(backend)) : null
  if (!kernels) throw new Error(`Conv2DBackpropFilter on wasm needs float32 tensors and WebAssembly SIMD (got ${inputs.x.dtype}, ${inputs.dy.dtype})`)
  const nchw = dataFormat === 'NCHW'
  const x = nchw ? runWasmKernel(tf, 'Transpose', backend, { x: inputs.x }, { perm: [0, 2, 3, 1] }) : inputs.x
  const dy = nchw ? runWasmKernel(tf, 'Transpose', backend, { x: inputs.dy }, { perm: [0, 2, 3, 1] }) : inputs.dy
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, nchw ? padToNhwc(pad) : pad, dimRoundingMode, false, 'channelsLast'
  )
  const dW = backend.makeOutput([...filterShape], 'float32')
  try {
    withScratch(backend, (scratch) => kernels.filterGradient(convShape(info), heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, dW), scratch))
  } finally {
    if (nchw) for (const t of [x, dy]) backend.disposeData(t.dataId)
  }
  return dW
}

/**
 * dx[b, ih, iw, ci] = Σ over (oh, ow, kh, kw) with ih = oh·sh + kh − top, iw = ow·sw + kw − left of dy[b, oh, ow, co] · W[kh, kw, ci, co],
 * by conv-gemm's blocked products; anything they cannot run (other dtypes) by wasm's own.
 */
function conv2DBackpropInput(tf: Tf, { inputs, backend, attrs }: KernelArgs<'dy' | 'filter', Conv2DBackpropInputAttrs>, original: RawKernel | null): TensorInfo {
  if (original == null) throw new Error("wasm backend has no 'Conv2DBackpropInput' kernel to speed up")
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs
  const { filter } = inputs
  const kernels = inputs.dy.dtype === 'float32' && filter.dtype === 'float32' ? convKernels(backendMemory(backend)) : null
  if (!kernels) return original({ inputs, backend, attrs: attrs as unknown as NamedAttrMap })
  const nchw = dataFormat === 'NCHW'
  const dy = nchw ? runWasmKernel(tf, 'Transpose', backend, { x: inputs.dy }, { perm: [0, 2, 3, 1] }) : inputs.dy
  const xShape = (nchw ? [inputShape[0], inputShape[2], inputShape[3], inputShape[1]] : inputShape) as [number, number, number, number]
  const info = tf.backend_util.computeConv2DInfo(
    xShape, filter.shape as [number, number, number, number], strides, 1, nchw ? padToNhwc(pad) : pad, dimRoundingMode, false, 'channelsLast'
  )
  const dx = inputGradientByProducts(tf, backend, kernels, dy, filter, info)
  if (!nchw) return dx
  backend.disposeData(dy.dataId)
  const dxNchw = runWasmKernel(tf, 'Transpose', backend, { x: dx }, { perm: [0, 3, 1, 2] })
  backend.disposeData(dx.dataId)
  return dxNchw
}

/** dx by conv-gemm's blocked products: dy · Wᵀ a block of pixels at a time, added back onto the input's pixels. */
function inputGradientByProducts(tf: Tf, backend: WasmBackend, kernels: NonNullable<ReturnType<typeof convKernels>>, dy: TensorInfo, filter: TensorInfo, info: ConvInfo): TensorInfo {
  const taps = info.filterHeight * info.filterWidth * info.inChannels
  const filterT = runWasmKernel(tf, 'Transpose', backend, { x: { ...filter, shape: [taps, info.outChannels] } }, { perm: [1, 0] })
  const dx = backend.makeOutput([info.batchSize, info.inHeight, info.inWidth, info.inChannels], 'float32')
  try {
    withScratch(backend, (scratch) => kernels.inputGradient(convShape(info), heapOffset(backend, dy), heapOffset(backend, filterT), heapOffset(backend, dx), scratch))
  } finally {
    backend.disposeData(filterT.dataId)
  }
  return dx
}

/**
 * a·b (either side transposed) of single float32 matrices by the engine's SIMD kernel (gemm.ts), with a bias and
 * ReLU applied as it stores: a and aᵀ are read through strides; a transposed b is materialised by wasm's Transpose
 * first, except a·bᵀ with a large b and no bias (a dense layer's input gradient dy·Wᵀ), computed as (b·aᵀ)ᵀ so that the
 * small operands are transposed instead of W. Null where it does not apply (batched, other dtypes, no SIMD).
 */
function gemmProduct(tf: Tf, backend: WasmBackend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, bias: TensorInfo | null, relu: boolean): TensorInfo | null {
  const single = (t: TensorInfo) => t.shape.length >= 2 && tf.util.sizeFromShape(t.shape.slice(0, -2)) === 1
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || !single(a) || !single(b)) return null
  const gemm = simdGemm(backendMemory(backend))
  const [M, K] = transposeA ? [a.shape[a.shape.length - 1], a.shape[a.shape.length - 2]] : a.shape.slice(-2)
  const N = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1]
  if (!gemm || (bias != null && (bias.dtype !== 'float32' || tf.util.sizeFromShape(bias.shape) !== N))) return null
  const outShape = [...Array<number>(Math.max(a.shape.length, b.shape.length) - 2).fill(1), M, N]
  const at = (t: TensorInfo) => heapOffset(backend, t)
  const transpose = (t: TensorInfo, rows: number, cols: number) => runWasmKernel(tf, 'Transpose', backend, { x: { ...t, shape: [rows, cols] } }, { perm: [1, 0] })
  if (transposeB && !transposeA && bias == null && !relu && N * K > M * K + M * N) {
    const aT = transpose(a, M, K)
    const product = backend.makeOutput([N, M], 'float32')
    gemm(at(b), K * 4, 4, at(aT), M * 4, at(product), M * 4, N, M, K, 0, 0)
    backend.disposeData(aT.dataId)
    const out = transpose(product, N, M)
    backend.disposeData(product.dataId)
    return { ...out, shape: outShape }
  }
  const bUpright = transposeB ? transpose(b, N, K) : b
  const out = backend.makeOutput(outShape, 'float32')
  gemm(at(a), transposeA ? 4 : K * 4, transposeA ? M * 4 : 4, at(bUpright), N * 4, at(out), N * 4, M, N, K, bias ? at(bias) : 0, relu ? GEMM_RELU : 0)
  if (bUpright !== b) backend.disposeData(bUpright.dataId)
  return out
}

/** a·b of single matrices by {@link gemmProduct}; batched products (and anything else) by wasm's own. */
function batchMatMul(tf: Tf, { inputs, backend, attrs }: KernelArgs<'a' | 'b', BatchMatMulAttrs>, original: RawKernel | null): TensorInfo {
  if (original == null) throw new Error("wasm backend has no 'BatchMatMul' kernel to speed up")
  const { a, b } = inputs
  return gemmProduct(tf, backend, a, b, attrs.transposeA, attrs.transposeB, null, false) ?? original({ inputs: { a, b }, backend, attrs: attrs as unknown as NamedAttrMap })
}

/** A dense layer's fused product, bias and linear or ReLU activation by {@link gemmProduct}; anything else by wasm's own. */
function fusedMatMul(tf: Tf, { inputs, backend, attrs }: KernelArgs<'a' | 'b' | 'bias' | 'preluActivationWeights', _FusedMatMulAttrs>, original: RawKernel | null): TensorInfo {
  if (original == null) throw new Error("wasm backend has no '_FusedMatMul' kernel to speed up")
  const { a, b, bias, preluActivationWeights } = inputs
  const activation = attrs.activation ?? 'linear'
  const product = preluActivationWeights == null && (activation === 'linear' || activation === 'relu')
    ? gemmProduct(tf, backend, a, b, attrs.transposeA, attrs.transposeB, bias ?? null, activation === 'relu')
    : null
  return product ?? original({ inputs, backend, attrs: attrs as unknown as NamedAttrMap })
}

/**
 * Sum over every axis but the last of a float32 tensor whose last axis is a multiple of 4 (every bias gradient of a
 * convolution or dense layer) as one SIMD pass (sum.ts); anything else by wasm's own, which first transposes the
 * input so that the summed axes come last.
 */
function sum(tf: Tf, { inputs, backend, attrs }: KernelArgs<'x', SumAttrs>, original: RawKernel | null): TensorInfo {
  if (original == null) throw new Error("wasm backend has no 'Sum' kernel to speed up")
  const { x } = inputs
  const rank = x.shape.length
  const axes = tf.util.parseAxisParam(attrs.axis, x.shape).sort((p, q) => p - q)
  const columns = x.shape[rank - 1] ?? 0
  const allButLast = rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i)
  const kernel = allButLast && x.dtype === 'float32' && columns % 4 === 0 && columns > 0 ? simdColumnSum(backendMemory(backend)) : null
  if (!kernel) return original({ inputs: { x }, backend, attrs: attrs as unknown as NamedAttrMap })
  const out = backend.makeOutput(attrs.keepDims ? [...x.shape.slice(0, -1).map(() => 1), columns] : [columns], 'float32')
  const at = (t: TensorInfo) => heapOffset(backend, t)
  kernel(at(x), at(out), tf.util.sizeFromShape(x.shape) / columns, columns)
  return out
}

/** Below this many floats an Add or a ReLU is left to wasm's own: a pass over them costs less than choosing. */
const BIAS_ADD_MIN_SIZE = 4096

/**
 * Add of a float32 tensor and a bias along its last axis (shape [C] or [1, …, 1, C], C a multiple of 4: every layer's
 * bias add while training) as one SIMD pass (bias-add.ts); any other Add by wasm's own.
 */
function add(tf: Tf, { inputs, backend, attrs }: KernelArgs<'a' | 'b', NamedAttrMap>, original: RawKernel | null): TensorInfo {
  if (original == null) throw new Error("wasm backend has no 'Add' kernel to speed up")
  const { a, b } = inputs
  const columns = a.shape[a.shape.length - 1] ?? 0
  const isBias = b.shape.length >= 1 && b.shape.length <= a.shape.length && b.shape[b.shape.length - 1] === columns && b.shape.slice(0, -1).every((d) => d === 1)
  const size = tf.util.sizeFromShape(a.shape)
  const kernel = isBias && a.dtype === 'float32' && b.dtype === 'float32' && columns % 4 === 0 && columns > 0 && size >= BIAS_ADD_MIN_SIZE ? simdBiasAdd(backendMemory(backend)) : null
  if (!kernel) return original({ inputs: { a, b }, backend, attrs })
  const out = backend.makeOutput([...a.shape], 'float32')
  const at = (t: TensorInfo) => heapOffset(backend, t)
  kernel(at(a), at(b), at(out), size / columns, columns)
  return out
}

/** ReLU of a float32 tensor of at least BIAS_ADD_MIN_SIZE floats in fours as one SIMD pass; anything else by wasm's own. */
function relu(tf: Tf, { inputs, backend, attrs }: KernelArgs<'x', NamedAttrMap>, original: RawKernel | null): TensorInfo {
  if (original == null) throw new Error("wasm backend has no 'Relu' kernel to speed up")
  const { x } = inputs
  const size = tf.util.sizeFromShape(x.shape)
  const kernel = x.dtype === 'float32' && size % 4 === 0 && size >= BIAS_ADD_MIN_SIZE ? simdRelu(backendMemory(backend)) : null
  if (!kernel) return original({ inputs: { x }, backend, attrs })
  const out = backend.makeOutput([...x.shape], 'float32')
  const at = (t: TensorInfo) => heapOffset(backend, t)
  kernel(at(x), at(out), size)
  return out
}

/** The same tensor under a new handle, sharing its buffer (strings, which wasm keeps outside its memory, are copied by wasm's own). */
function identity({ inputs, backend, attrs }: KernelArgs<'x', NamedAttrMap>, original: RawKernel | null): TensorInfo {
  const { x } = inputs
  if (x.dtype === 'string') {
    if (original == null) throw new Error("wasm backend has no 'Identity' kernel for strings")
    return original({ inputs: { x }, backend, attrs })
  }
  backend.incRef(x.dataId)
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype }
}

/** Shapes and offsets shared by both depthwise gradients (NHWC; the only layout tfjs's depthwise conv has). */
function depthwiseInfo(tf: Tf, inShape: number[], filterShape: number[], attrs: DepthwiseConv2dNativeBackpropFilterAttrs | DepthwiseConv2dNativeBackpropInputAttrs) {
  const info = tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true
  )
  return { ...info, multiplier: filterShape[3] }
}

/**
 * Calls `tap` once for every (output pixel, filter tap) pair that reads an input pixel inside the image, with the
 * offsets of that input pixel's channels (x), the tap's filter row (W, c·M + m) and the output pixel's channels (dy).
 * Both depthwise gradients are this walk with a different sum per channel.
 */
function forEachDepthwiseTap(i: ReturnType<typeof depthwiseInfo>, tap: (xBase: number, wBase: number, dyBase: number) => void): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW, multiplier: M } = i
  const CM = C * M
  for (let b = 0; b < i.batchSize; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * i.strideHeight + kh * i.dilationHeight - i.padInfo.top
        if (ih < 0 || ih >= H) continue
        for (let ow = 0; ow < OW; ow++) {
          const dyBase = ((b * OH + oh) * OW + ow) * CM
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * i.strideWidth + kw * i.dilationWidth - i.padInfo.left
            if (iw < 0 || iw >= W) continue
            tap(((b * H + ih) * W + iw) * C, (kh * KW + kw) * CM, dyBase)
          }
        }
      }
    }
  }
}

/** dW[kh, kw, c, m] = Σ over batch and output pixels of x[b, ih, iw, c] · dy[b, oh, ow, c·M + m], with dilated taps. */
function depthwiseBackpropFilter(tf: Tf, { inputs, backend, attrs }: KernelArgs<'x' | 'dy', DepthwiseConv2dNativeBackpropFilterAttrs>): TensorInfo {
  const { x, dy } = inputs
  const i = depthwiseInfo(tf, x.shape, attrs.filterShape, attrs)
  const { inChannels: C, multiplier: M } = i
  // Float64 sums keep the long reductions (batch × pixels) as accurate as the cpu backend's.
  const acc = new Float64Array(i.filterHeight * i.filterWidth * C * M)
  const out = backend.makeOutput([...attrs.filterShape], 'float32')
  const xs = float32View(backend, x)
  const dys = float32View(backend, dy)
  forEachDepthwiseTap(i, (xBase, wBase, dyBase) => {
    for (let c = 0; c < C; c++) {
      const xv = xs[xBase + c]
      for (let m = 0; m < M; m++) acc[wBase + c * M + m] += xv * dys[dyBase + c * M + m]
    }
  })
  float32View(backend, out).set(acc)
  return out
}

/** dx[b, ih, iw, c] = Σ over the output pixels and taps that read it of W[kh, kw, c, m] · dy[b, oh, ow, c·M + m]. */
function depthwiseBackpropInput(tf: Tf, { inputs, backend, attrs }: KernelArgs<'dy' | 'filter', DepthwiseConv2dNativeBackpropInputAttrs>): TensorInfo {
  const { dy, filter } = inputs
  const i = depthwiseInfo(tf, attrs.inputShape, filter.shape, attrs)
  const { inChannels: C, multiplier: M } = i
  const acc = new Float32Array(i.batchSize * i.inHeight * i.inWidth * C)
  const out = backend.makeOutput([...attrs.inputShape], 'float32')
  const ws = float32View(backend, filter)
  const dys = float32View(backend, dy)
  forEachDepthwiseTap(i, (xBase, wBase, dyBase) => {
    for (let c = 0; c < C; c++) {
      let s = 0
      for (let m = 0; m < M; m++) s += ws[wBase + c * M + m] * dys[dyBase + c * M + m]
      acc[xBase + c] += s
    }
  })
  float32View(backend, out).set(acc)
  return out
}

/** out[s, …] = Σ of x[i, …] over the i with segmentIds[i] = s; ids outside [0, numSegments) are dropped, as in TensorFlow. */
function unsortedSegmentSum(tf: Tf, { inputs, backend, attrs }: KernelArgs<'x' | 'segmentIds', UnsortedSegmentSumAttrs>): TensorInfo {
  const { x, segmentIds } = inputs
  const { numSegments } = attrs
  const rows = tf.util.sizeFromShape(segmentIds.shape)
  const inner = rows === 0 ? 0 : tf.util.sizeFromShape(x.shape) / rows
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)]
  const out = backend.makeOutput(outShape, x.dtype)
  const dst = backend.typedArrayFromHeap(out)
  const src = backend.typedArrayFromHeap(x)
  const ids = backend.typedArrayFromHeap(segmentIds)
  dst.fill(0)
  for (let r = 0; r < rows; r++) {
    const s = ids[r]
    if (s < 0 || s >= numSegments) continue
    const from = r * inner
    const to = s * inner
    for (let k = 0; k < inner; k++) dst[to + k] += src[from + k]
  }
  return out
}

/** Whether a pooling is the usual 2×2 with stride 2 whose windows all lie inside the input (pool.ts's case). */
function twoByTwoInside(info: ReturnType<Tf['backend_util']['computePool2DInfo']>): boolean {
  const { filterHeight, filterWidth, strideHeight, strideWidth, padInfo, inHeight, inWidth, outHeight, outWidth, inChannels } = info
  const twoByTwo = filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 && padInfo.top === 0 && padInfo.left === 0
  return twoByTwo && inChannels % 4 === 0 && outHeight * 2 <= inHeight && outWidth * 2 <= inWidth
}

/** 2×2 max pooling with stride 2 of a float32 tensor with channels in fours as a SIMD loop (pool.ts); anything else by wasm's own. */
function maxPool(tf: Tf, { inputs, backend, attrs }: KernelArgs<'x', MaxPoolAttrs>, original: RawKernel | null): TensorInfo {
  if (original == null) throw new Error("wasm backend has no 'MaxPool' kernel to speed up")
  const { x } = inputs
  const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode)
  const kernel = x.dtype === 'float32' && twoByTwoInside(info) ? simdMaxPool(backendMemory(backend)) : null
  if (!kernel) return original({ inputs: { x }, backend, attrs: attrs as unknown as NamedAttrMap })
  const y = backend.makeOutput(info.outShape, 'float32')
  const at = (t: TensorInfo) => heapOffset(backend, t)
  kernel({ x: at(x), y: at(y), batch: info.batchSize, height: info.inHeight, width: info.inWidth, channels: info.inChannels, outHeight: info.outHeight, outWidth: info.outWidth })
  return y
}

/** dx[b, ih, iw, c] = Σ of dy over the pooling windows whose first maximum is x[b, ih, iw, c] (as the cpu backend routes it). */
function maxPoolGrad(tf: Tf, { inputs, backend, attrs }: KernelArgs<'dy' | 'input' | 'output', MaxPoolGradAttrs>): TensorInfo {
  const { dy, input, output } = inputs
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode
  )
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = info
  const out = backend.makeOutput([...input.shape], 'float32')
  const dx = float32View(backend, out)
  const xs = float32View(backend, input)
  const dys = float32View(backend, dy)
  // The usual 2×2 pooling with stride 2, windows inside the input: SIMD, from the forward pass's maxima.
  const kernel = twoByTwoInside(info) && output ? simdMaxPoolGrad(backendMemory(backend)) : null
  if (kernel && output) {
    const at = (t: TensorInfo) => heapOffset(backend, t)
    kernel({ x: at(input), y: at(output), dy: at(dy), dx: at(out), batch: batchSize, height: H, width: W, channels: C, outHeight: OH, outWidth: OW })
    // The kernel writes every pixel inside a window; an odd height or width leaves a last row or column outside all of
    // them, zeroed here (filling the whole tensor costs more than the kernel on the threaded build's shared memory).
    for (let b = 0; b < batchSize; b++) {
      for (let ih = 0; ih < 2 * OH; ih++) dx.fill(0, ((b * H + ih) * W + 2 * OW) * C, ((b * H + ih) * W + W) * C)
      dx.fill(0, ((b * H + 2 * OH) * W) * C, (b + 1) * H * W * C)
    }
    return out
  }
  dx.fill(0)
  // Per window, the channels are scanned together (contiguous in NHWC); the window's pixels in row-major order with a
  // strict comparison, so each channel's gradient goes to its first maximum, as the cpu backend routes it.
  const best = new Float32Array(C)
  const bestAt = new Int32Array(C)
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * info.strideHeight - info.padInfo.top
      const ihFrom = Math.max(0, ih0)
      const ihTo = Math.min(H, ih0 + KH)
      for (let ow = 0; ow < OW; ow++) {
        const iw0 = ow * info.strideWidth - info.padInfo.left
        const iwFrom = Math.max(0, iw0)
        const iwTo = Math.min(W, iw0 + KW)
        if (ihFrom >= ihTo || iwFrom >= iwTo) continue
        best.fill(-Infinity)
        bestAt.fill(-1)
        for (let ih = ihFrom; ih < ihTo; ih++) {
          for (let iw = iwFrom; iw < iwTo; iw++) {
            const base = ((b * H + ih) * W + iw) * C
            for (let c = 0; c < C; c++) {
              const v = xs[base + c]
              if (v > best[c]) {
                best[c] = v
                bestAt[c] = base + c
              }
            }
          }
        }
        const dyBase = ((b * OH + oh) * OW + ow) * C
        for (let c = 0; c < C; c++) if (bestAt[c] >= 0) dx[bestAt[c]] += dys[dyBase + c]
      }
    }
  }
  return out
}
