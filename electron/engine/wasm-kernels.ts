/**
 * Gradient kernels that `@tensorflow/tfjs-backend-wasm` 4.22 lacks, so that every layer in the catalog trains on wasm.
 *
 * Found by training one step of every catalog layer, loss and optimizer on wasm and collecting
 * "Kernel 'X' not registered for backend 'wasm'" (see wasm-kernels.test.ts, which keeps that sweep):
 * - `Conv2DBackpropFilter`: the filter gradient of Conv2D, so also of Conv1D (a Conv2D of height 1),
 *   Conv2DTranspose and the pointwise half of SeparableConv2D. Without it no CNN trains on wasm.
 * - `DepthwiseConv2dNativeBackpropFilter`: the filter gradient of DepthwiseConv2D and of the depthwise half of SeparableConv2D.
 * - `DepthwiseConv2dNativeBackpropInput`: the input gradient of the same, needed whenever a layer sits below it.
 * - `UnsortedSegmentSum`: the gradient of Gather (tfjs-core's GatherV2 gradient scatters through it), so Embedding.
 * - `MaxPoolGrad` (replaced, not missing): wasm's own sends the gradient of any pooling window whose maximum is not positive
 *   to element 0 of the input instead of to the window's maximum, so MaxPooling1D/2D after anything that can output
 *   negatives or zeros (BatchNormalization, tanh, a ReLU's dead windows, a linear conv) trains on wrong gradients.
 * Everything else the catalog's layers, the Adam/SGD(momentum)/RMSprop optimizers and the cross-entropy/MSE losses
 * need forward and backward is registered by tfjs-backend-wasm itself.
 *
 * Dilated Conv2D/Conv1D/SeparableConv2D train on no backend in tfjs 4.22: tfjs-core's gradients refuse dilation
 * rates above 1 before any kernel runs, so no kernel here can help; the depthwise kernels still honour dilations.
 */
import type * as TfModule from '@tensorflow/tfjs'
import type {
  Conv2DBackpropFilterAttrs,
  DataType,
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInputAttrs,
  KernelConfig,
  KernelFunc,
  MaxPoolGradAttrs,
  NamedAttrMap,
  NamedTensorInfoMap,
  TensorInfo,
  TypedArray,
  UnsortedSegmentSumAttrs
} from '@tensorflow/tfjs'

type Tf = typeof TfModule

/** The part of tfjs-backend-wasm's BackendWasm these kernels use (its type is not worth a dependency on the package). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo
  typedArrayFromHeap(info: TensorInfo): TypedArray
  disposeData(dataId: object): boolean
}

interface KernelArgs<I extends string, A> {
  inputs: Record<I, TensorInfo>
  backend: WasmBackend
  attrs: A
}

/** Above this many floats, Conv2DBackpropFilter's patch matrix is built and multiplied a slice of the batch at a time. */
const MAX_PATCH_ELEMENTS = 1 << 23

/** The kernels tfjs-backend-wasm 4.22 lacks and this module adds, by name. */
export const WASM_GRADIENT_KERNELS = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum'
] as const

/** The wasm kernels that exist but compute wrong results, which this module replaces, by name. */
export const WASM_REPLACED_KERNELS = ['MaxPoolGrad'] as const

type KernelName = (typeof WASM_GRADIENT_KERNELS)[number] | (typeof WASM_REPLACED_KERNELS)[number]

/** Kernel functions this module registered, so that a second call recognises its own work. */
const ours = new WeakSet<KernelFunc>()

/**
 * Registers on the `wasm` backend every kernel in WASM_GRADIENT_KERNELS it lacks and replaces those in
 * WASM_REPLACED_KERNELS; safe to call more than once, and a missing kernel a later tfjs-backend-wasm ships is left as it is.
 * Returns the names it registered by this call.
 */
export function registerMissingWasmKernels(tf: Tf): string[] {
  const registered: string[] = []
  for (const config of kernelConfigs(tf)) {
    const existing = tf.getKernel(config.kernelName, 'wasm')
    if (existing != null) {
      const replace = (WASM_REPLACED_KERNELS as readonly string[]).includes(config.kernelName) && !ours.has(existing.kernelFunc)
      if (!replace) continue
      tf.unregisterKernel(config.kernelName, 'wasm')
    }
    ours.add(config.kernelFunc)
    tf.registerKernel(config)
    registered.push(config.kernelName)
  }
  return registered
}

function kernelConfigs(tf: Tf): KernelConfig[] {
  const kernel = <I extends string, A>(kernelName: KernelName, fn: (args: KernelArgs<I, A>) => TensorInfo): KernelConfig => ({
    kernelName,
    backendName: 'wasm',
    // The engine hands every kernel the same loose argument bag; each kernel reads the attrs tfjs-core documents for it.
    kernelFunc: fn as unknown as KernelFunc
  })
  return [
    kernel<'x' | 'dy', Conv2DBackpropFilterAttrs>('Conv2DBackpropFilter', (args) => conv2DBackpropFilter(tf, args)),
    kernel<'x' | 'dy', DepthwiseConv2dNativeBackpropFilterAttrs>('DepthwiseConv2dNativeBackpropFilter', (args) => depthwiseBackpropFilter(tf, args)),
    kernel<'dy' | 'filter', DepthwiseConv2dNativeBackpropInputAttrs>('DepthwiseConv2dNativeBackpropInput', (args) => depthwiseBackpropInput(tf, args)),
    kernel<'x' | 'segmentIds', UnsortedSegmentSumAttrs>('UnsortedSegmentSum', (args) => unsortedSegmentSum(tf, args)),
    kernel<'dy' | 'input', MaxPoolGradAttrs>('MaxPoolGrad', (args) => maxPoolGrad(tf, args))
  ]
}

/** Runs a kernel wasm already has, at the backend level (no tensors, no tape); the caller disposes what it returns. */
function runWasmKernel(tf: Tf, name: string, backend: WasmBackend, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo {
  const config = tf.getKernel(name, 'wasm')
  if (config == null) throw new Error(`wasm backend has no '${name}' kernel`)
  return config.kernelFunc({ inputs, backend: backend as never, attrs }) as TensorInfo
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

/**
 * dW[kh, kw, ci, co] = Σ over batch and output pixels of x[b, oh·sh + kh − top, ow·sw + kw − left, ci] · dy[b, oh, ow, co].
 * im2col then one matmul on wasm: the patches are written transposed, Pᵀ[kh·kw·ci, pixels], straight into wasm memory,
 * so that dW = Pᵀ · dy[pixels, co] is an untransposed BatchMatMul (XNNPACK's fast path) whose output already has the filter's layout.
 */
function conv2DBackpropFilter(tf: Tf, { inputs, backend, attrs }: KernelArgs<'x' | 'dy', Conv2DBackpropFilterAttrs>): TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs
  let x = inputs.x
  let dy = inputs.dy
  const toFree: TensorInfo[] = []
  const nchw = dataFormat === 'NCHW'
  if (nchw) {
    x = runWasmKernel(tf, 'Transpose', backend, { x }, { perm: [0, 2, 3, 1] })
    dy = runWasmKernel(tf, 'Transpose', backend, { x: dy }, { perm: [0, 2, 3, 1] })
    toFree.push(x, dy)
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, nchw ? padToNhwc(pad) : pad, dimRoundingMode, false, 'channelsLast'
  )
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info
  const top = info.padInfo.top
  const left = info.padInfo.left
  const patchRows = filterHeight * filterWidth * inChannels
  const pixelsPerImage = outHeight * outWidth
  const imagesPerChunk = Math.max(1, Math.min(batchSize, Math.floor(MAX_PATCH_ELEMENTS / (patchRows * pixelsPerImage))))

  let result: TensorInfo | null = null
  let sum: Float32Array | null = null
  for (let b0 = 0; b0 < batchSize; b0 += imagesPerChunk) {
    const images = Math.min(imagesPerChunk, batchSize - b0)
    const pixels = images * pixelsPerImage
    const patches = backend.makeOutput([patchRows, pixels], 'float32')
    // Views are taken after every allocation: growing wasm memory detaches older views.
    const p = float32View(backend, patches)
    const xs = float32View(backend, x)
    for (let kh = 0; kh < filterHeight; kh++) {
      for (let kw = 0; kw < filterWidth; kw++) {
        for (let ci = 0; ci < inChannels; ci++) {
          let at = ((kh * filterWidth + kw) * inChannels + ci) * pixels
          for (let b = b0; b < b0 + images; b++) {
            for (let oh = 0; oh < outHeight; oh++) {
              const ih = oh * strideHeight + kh - top
              if (ih < 0 || ih >= inHeight) {
                p.fill(0, at, at + outWidth)
                at += outWidth
                continue
              }
              const rowBase = (b * inHeight + ih) * inWidth
              for (let ow = 0; ow < outWidth; ow++) {
                const iw = ow * strideWidth + kw - left
                p[at++] = iw >= 0 && iw < inWidth ? xs[(rowBase + iw) * inChannels + ci] : 0
              }
            }
          }
        }
      }
    }
    const dyChunk: TensorInfo = images === batchSize
      ? { dataId: dy.dataId, shape: [1, pixels, outChannels], dtype: 'float32' }
      : sliceRows(tf, backend, dy, b0 * pixelsPerImage, pixels, outChannels)
    const product = runWasmKernel(tf, 'BatchMatMul', backend,
      { a: { ...patches, shape: [1, patchRows, pixels] }, b: dyChunk }, { transposeA: false, transposeB: false })
    backend.disposeData(patches.dataId)
    if (dyChunk.dataId !== dy.dataId) backend.disposeData(dyChunk.dataId)
    if (images === batchSize) {
      result = product
    } else {
      const part = float32View(backend, product)
      if (sum == null) sum = new Float32Array(part.length)
      for (let i = 0; i < part.length; i++) sum[i] += part[i]
      backend.disposeData(product.dataId)
    }
  }
  for (const t of toFree) backend.disposeData(t.dataId)
  if (result == null) {
    result = backend.makeOutput(filterShape, 'float32')
    float32View(backend, result).set(sum ?? new Float32Array(0))
  }
  return { dataId: result.dataId, shape: [...filterShape], dtype: 'float32' }
}

/** Rows [start, start + count) of a row-major [rows, width] float32 tensor, as a new [1, count, width] tensor. */
function sliceRows(tf: Tf, backend: WasmBackend, t: TensorInfo, start: number, count: number, width: number): TensorInfo {
  const out = backend.makeOutput([1, count, width], 'float32')
  const dst = float32View(backend, out)
  const src = float32View(backend, t)
  dst.set(src.subarray(start * width, (start + count) * width))
  return out
}

/** Shapes and offsets shared by both depthwise gradients (NHWC; the only layout tfjs's depthwise conv has). */
function depthwiseInfo(tf: Tf, inShape: number[], filterShape: number[], attrs: DepthwiseConv2dNativeBackpropFilterAttrs | DepthwiseConv2dNativeBackpropInputAttrs) {
  const info = tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true
  )
  return { ...info, multiplier: filterShape[3] }
}

/** dW[kh, kw, c, m] = Σ over batch and output pixels of x[b, ih, iw, c] · dy[b, oh, ow, c·M + m], with dilated taps. */
function depthwiseBackpropFilter(tf: Tf, { inputs, backend, attrs }: KernelArgs<'x' | 'dy', DepthwiseConv2dNativeBackpropFilterAttrs>): TensorInfo {
  const { x, dy } = inputs
  const i = depthwiseInfo(tf, x.shape, attrs.filterShape, attrs)
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW, multiplier: M } = i
  const CM = C * M
  // Float64 sums keep the long reductions (batch × pixels) as accurate as the cpu backend's.
  const acc = new Float64Array(KH * KW * CM)
  const out = backend.makeOutput([...attrs.filterShape], 'float32')
  const xs = float32View(backend, x)
  const dys = float32View(backend, dy)
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
            const xBase = ((b * H + ih) * W + iw) * C
            const wBase = (kh * KW + kw) * CM
            for (let c = 0; c < C; c++) {
              const xv = xs[xBase + c]
              for (let m = 0; m < M; m++) acc[wBase + c * M + m] += xv * dys[dyBase + c * M + m]
            }
          }
        }
      }
    }
  }
  float32View(backend, out).set(acc)
  return out
}

/** dx[b, ih, iw, c] = Σ over the output pixels and taps that read it of W[kh, kw, c, m] · dy[b, oh, ow, c·M + m]. */
function depthwiseBackpropInput(tf: Tf, { inputs, backend, attrs }: KernelArgs<'dy' | 'filter', DepthwiseConv2dNativeBackpropInputAttrs>): TensorInfo {
  const { dy, filter } = inputs
  const i = depthwiseInfo(tf, attrs.inputShape, filter.shape, attrs)
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW, multiplier: M } = i
  const CM = C * M
  const acc = new Float32Array(i.batchSize * H * W * C)
  const out = backend.makeOutput([...attrs.inputShape], 'float32')
  const ws = float32View(backend, filter)
  const dys = float32View(backend, dy)
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
            const xBase = ((b * H + ih) * W + iw) * C
            const wBase = (kh * KW + kw) * CM
            for (let c = 0; c < C; c++) {
              let s = 0
              for (let m = 0; m < M; m++) s += ws[wBase + c * M + m] * dys[dyBase + c * M + m]
              acc[xBase + c] += s
            }
          }
        }
      }
    }
  }
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

/** dx[b, ih, iw, c] = Σ of dy over the pooling windows whose first maximum is x[b, ih, iw, c] (as the cpu backend routes it). */
function maxPoolGrad(tf: Tf, { inputs, backend, attrs }: KernelArgs<'dy' | 'input', MaxPoolGradAttrs>): TensorInfo {
  const { dy, input } = inputs
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode
  )
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = info
  const acc = new Float32Array(batchSize * H * W * C)
  const best = new Float32Array(C)
  const bestAt = new Int32Array(C)
  const out = backend.makeOutput([...input.shape], 'float32')
  const xs = float32View(backend, input)
  const dys = float32View(backend, dy)
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * info.strideHeight - info.padInfo.top
      for (let ow = 0; ow < OW; ow++) {
        const iw0 = ow * info.strideWidth - info.padInfo.left
        best.fill(-Infinity)
        bestAt.fill(-1)
        for (let ih = Math.max(0, ih0); ih < Math.min(H, ih0 + KH); ih++) {
          for (let iw = Math.max(0, iw0); iw < Math.min(W, iw0 + KW); iw++) {
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
        for (let c = 0; c < C; c++) if (bestAt[c] >= 0) acc[bestAt[c]] += dys[dyBase + c]
      }
    }
  }
  float32View(backend, out).set(acc)
  return out
}
