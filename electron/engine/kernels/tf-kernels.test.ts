import * as tf from '@tensorflow/tfjs'
import '@tensorflow/tfjs-backend-wasm'
import { beforeAll, describe, expect, it } from 'vitest'
import { registerMissingWasmKernels, WASM_GRADIENT_KERNELS, WASM_REPLACED_KERNELS } from './tf-kernels'
import { convPoolState } from './conv-gemm'
import { backendMemory, type WasmHeapBackend } from './emit'
import { startWasmBackend, wasmThreadCount } from './threads'

type BackendName = 'cpu' | 'wasm'

/** A tensor's content as plain data, so that it can be re-created on another backend. */
interface Plain {
  values: Float32Array | Int32Array
  shape: number[]
  dtype: 'float32' | 'int32'
}

/** Deterministic values in [-1, 1): the two backends must see the same numbers. */
function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n)
  let s = seed >>> 0 || 1
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = s / 2 ** 31 - 1
  }
  return out
}

function randomPlain(shape: number[], seed: number): Plain {
  return { values: seeded(tf.util.sizeFromShape(shape), seed), shape, dtype: 'float32' }
}

function intPlain(values: number[], shape: number[]): Plain {
  return { values: Int32Array.from(values), shape, dtype: 'int32' }
}

function toTensor(p: Plain): tf.Tensor {
  return tf.tensor(p.values, p.shape, p.dtype)
}

function toPlain(t: tf.Tensor): Plain {
  const values = t.dataSync()
  return { values: values instanceof Int32Array ? values.slice() : Float32Array.from(values), shape: t.shape.slice(), dtype: t.dtype === 'int32' ? 'int32' : 'float32' }
}

/** Largest |a − b| over the largest |b| (at least 1): sums of thousands of float32 products round differently per backend. */
function relativeDiff(a: Plain, b: Plain): number {
  expect(a.shape).toEqual(b.shape)
  let diff = 0
  let scale = 1
  for (let i = 0; i < b.values.length; i++) {
    diff = Math.max(diff, Math.abs(a.values[i] - b.values[i]))
    scale = Math.max(scale, Math.abs(b.values[i]))
  }
  return diff / scale
}

async function use(backend: BackendName): Promise<void> {
  expect(await tf.setBackend(backend)).toBe(true)
}

/** Runs one kernel on one backend and checks it left no tensor and no backend buffer behind. */
async function runKernel(backend: BackendName, name: string, inputs: Record<string, Plain>, attrs: object): Promise<Plain> {
  await use(backend)
  const before = tf.memory()
  const ins: Record<string, tf.Tensor> = {}
  for (const [key, p] of Object.entries(inputs)) ins[key] = toTensor(p)
  // Memory just freed, full of NaN, where the output is likely to be placed: a kernel must write every element it returns.
  const largest = Math.max(...Object.values(inputs).map((p) => p.values.length))
  tf.dispose([tf.fill([largest], NaN), tf.fill([largest], NaN)])
  const out = tf.engine().runKernel(name, ins, attrs as tf.NamedAttrMap) as tf.Tensor
  const result = toPlain(out)
  tf.dispose([out, ...Object.values(ins)])
  const after = tf.memory()
  expect(after.numTensors).toBe(before.numTensors)
  expect(after.numDataBuffers).toBe(before.numDataBuffers)
  return result
}

interface KernelCase {
  title: string
  kernel: (typeof WASM_GRADIENT_KERNELS)[number] | (typeof WASM_REPLACED_KERNELS)[number]
  inputs: Record<string, Plain>
  attrs: object
  /** Inputs for the cpu reference where its kernel cannot take these (it mis-broadcasts multi-dimensional segment ids). */
  cpuInputs?: Record<string, Plain>
  /** Set where the cpu kernel is wrong: it ignores dilations, so dilated cases are checked by the adjoint identity instead. */
  adjoint?: (result: Plain) => Promise<void>
}

/** Conv2DBackpropFilter's inputs for an NHWC (or NCHW) conv of x by a filter of the given shape. */
function conv2dFilterCase(x: number[], filter: [number, number, number, number], strides: number | [number, number], pad: Conv2DPad, dataFormat: 'NHWC' | 'NCHW' = 'NHWC'): KernelCase {
  const nhwc = dataFormat === 'NHWC' ? x : [x[0], x[2], x[3], x[1]]
  const padForInfo = Array.isArray(pad) && dataFormat === 'NCHW' ? [pad[0], pad[2], pad[3], pad[1]] as typeof pad : pad
  const info = tf.backend_util.computeConv2DInfo(nhwc as [number, number, number, number], filter, strides, 1, padForInfo)
  const dy = dataFormat === 'NHWC' ? info.outShape : [info.outShape[0], info.outShape[3], info.outShape[1], info.outShape[2]]
  return {
    title: `Conv2DBackpropFilter x=${x} filter=${filter} strides=${strides} pad=${JSON.stringify(pad)} ${dataFormat}`,
    kernel: 'Conv2DBackpropFilter',
    inputs: { x: randomPlain(x, 1), dy: randomPlain(dy, 2) },
    attrs: { strides, pad, dataFormat, filterShape: filter }
  }
}

/** Conv2D's inputs for an NHWC conv of x by a filter of the given shape. */
function conv2dForwardCase(x: number[], filter: [number, number, number, number], strides: number | [number, number], pad: Conv2DPad): KernelCase {
  return {
    title: `Conv2D x=${x} filter=${filter} strides=${strides} pad=${JSON.stringify(pad)}`,
    kernel: 'Conv2D',
    inputs: { x: randomPlain(x, 21), filter: randomPlain(filter, 22) },
    attrs: { strides, pad, dataFormat: 'NHWC', dilations: 1 }
  }
}

/** Conv2DBackpropInput's inputs for an NHWC (or NCHW) conv of an input of shape x by a filter of the given shape. */
function conv2dInputCase(x: number[], filter: [number, number, number, number], strides: number | [number, number], pad: Conv2DPad, dataFormat: 'NHWC' | 'NCHW' = 'NHWC'): KernelCase {
  const nhwc = dataFormat === 'NHWC' ? x : [x[0], x[2], x[3], x[1]]
  const padForInfo = Array.isArray(pad) && dataFormat === 'NCHW' ? [pad[0], pad[2], pad[3], pad[1]] as typeof pad : pad
  const info = tf.backend_util.computeConv2DInfo(nhwc as [number, number, number, number], filter, strides, 1, padForInfo)
  const dy = dataFormat === 'NHWC' ? info.outShape : [info.outShape[0], info.outShape[3], info.outShape[1], info.outShape[2]]
  return {
    title: `Conv2DBackpropInput x=${x} filter=${filter} strides=${strides} pad=${JSON.stringify(pad)} ${dataFormat}`,
    kernel: 'Conv2DBackpropInput',
    inputs: { dy: randomPlain(dy, 23), filter: randomPlain(filter, 24) },
    attrs: { strides, pad, dataFormat, inputShape: x }
  }
}

function matMulCase(a: number[], b: number[], transposeA: boolean, transposeB: boolean): KernelCase {
  return {
    title: `BatchMatMul a=${a} b=${b} transposeA=${transposeA} transposeB=${transposeB}`,
    kernel: 'BatchMatMul',
    inputs: { a: randomPlain(a, 25), b: randomPlain(b, 26) },
    attrs: { transposeA, transposeB }
  }
}

function fusedMatMulCase(a: number[], b: number[], transposeA: boolean, transposeB: boolean, activation: string, withBias = true): KernelCase {
  const n = transposeB ? b[b.length - 2] : b[b.length - 1]
  return {
    title: `_FusedMatMul a=${a} b=${b} transposeA=${transposeA} transposeB=${transposeB} ${activation}${withBias ? ' + bias' : ''}`,
    kernel: '_FusedMatMul',
    // tfjs-core hands the kernel rank-3 operands, as wasm's own expects.
    inputs: { a: randomPlain([1, ...a], 27), b: randomPlain([1, ...b], 28), ...(withBias ? { bias: randomPlain([n], 29) } : {}) },
    attrs: { transposeA, transposeB, activation }
  }
}

type Conv2DPad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]]

function depthwiseCases(x: number[], filter: [number, number, number, number], strides: number, dilations: number, pad: Conv2DPad): KernelCase[] {
  const info = tf.backend_util.computeConv2DInfo(x as [number, number, number, number], filter, strides, dilations, pad, undefined, true)
  const common = { strides, dilations, pad }
  const tag = `x=${x} filter=${filter} strides=${strides} dilations=${dilations} pad=${JSON.stringify(pad)}`
  const dilated = dilations > 1
  const forward = (xs: tf.Tensor, w: tf.Tensor) => tf.depthwiseConv2d(xs as tf.Tensor4D, w as tf.Tensor4D, strides, pad, 'NHWC', dilations)
  const filterInputs = { x: randomPlain(x, 3), dy: randomPlain(info.outShape, 4) }
  const inputInputs = { dy: randomPlain(info.outShape, 5), filter: randomPlain(filter, 6) }
  return [
    {
      title: `DepthwiseConv2dNativeBackpropFilter ${tag}`,
      kernel: 'DepthwiseConv2dNativeBackpropFilter',
      inputs: filterInputs,
      attrs: { ...common, filterShape: filter },
      // ⟨dy, conv(x, W′)⟩ = ⟨dW, W′⟩ for any probe filter W′.
      adjoint: dilated ? (dW) => expectAdjoint((probe) => forward(toTensor(filterInputs.x), probe), filterInputs.dy, dW, filter) : undefined
    },
    {
      title: `DepthwiseConv2dNativeBackpropInput ${tag}`,
      kernel: 'DepthwiseConv2dNativeBackpropInput',
      inputs: inputInputs,
      attrs: { ...common, inputShape: x },
      // ⟨dy, conv(x′, W)⟩ = ⟨dx, x′⟩ for any probe input x′.
      adjoint: dilated ? (dx) => expectAdjoint((probe) => forward(probe, toTensor(inputInputs.filter)), inputInputs.dy, dx, x) : undefined
    }
  ]
}

/** Checks a linear map's result against its forward map on cpu: ⟨dy, forward(probe)⟩ = ⟨result, probe⟩ for random probes. */
async function expectAdjoint(forward: (probe: tf.Tensor) => tf.Tensor, dy: Plain, result: Plain, probeShape: number[]): Promise<void> {
  await use('cpu')
  for (const seed of [31, 32]) {
    const [lhs, rhs] = tf.tidy(() => {
      const probe = toTensor(randomPlain(probeShape, seed))
      return [tf.sum(tf.mul(toTensor(dy), forward(probe))).dataSync()[0], tf.sum(tf.mul(toTensor(result), probe)).dataSync()[0]]
    })
    expect(Math.abs(lhs - rhs) / Math.max(1, Math.abs(lhs))).toBeLessThan(1e-4)
  }
}

function segmentCase(x: Plain, ids: Plain, numSegments: number): KernelCase {
  const rows = ids.values.length
  const flat = ids.shape.length > 1
  return {
    title: `UnsortedSegmentSum x=${x.shape} ${x.dtype} ids=${Array.from(ids.values)} numSegments=${numSegments}`,
    kernel: 'UnsortedSegmentSum',
    inputs: { x, segmentIds: ids },
    attrs: { numSegments },
    cpuInputs: flat ? { x: { ...x, shape: [rows, x.values.length / rows] }, segmentIds: { ...ids, shape: [rows] } } : undefined
  }
}

/** MaxPool's input (values plus `offset`, rounded to halves with `ties`). */
function maxPoolCase(x: number[], filterSize: number, strides: number, pad: 'valid' | 'same', offset = 0, ties = false): KernelCase {
  const input = randomPlain(x, 18)
  input.values = input.values.map((v) => (ties ? Math.round(v * 2) / 2 : v) + offset)
  return { title: `MaxPool x=${x} values+${offset}${ties ? ' with ties' : ''} filterSize=${filterSize} strides=${strides} pad=${pad}`, kernel: 'MaxPool', inputs: { x: input }, attrs: { filterSize, strides, pad } }
}

/**
 * `ties`: values rounded to halves, so that windows hold several equal maxima (the first, in row-major order, gets the
 * gradient). The forward output is the real max pooling of the input, as tfjs-core's gradient passes it.
 */
function maxPoolGradCase(x: number[], filterSize: number | [number, number], strides: number | [number, number], pad: 'valid' | 'same' | number, offset = 0, ties = false): KernelCase {
  const info = tf.backend_util.computePool2DInfo(x as [number, number, number, number], filterSize, strides, 1, pad)
  const input = randomPlain(x, 16)
  input.values = input.values.map((v) => (ties ? Math.round(v * 2) / 2 : v) + offset)
  // The forward pass, written out: each window's maximum over the pixels inside the input.
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info
  const output = randomPlain(info.outShape, 0)
  output.values.fill(-Infinity)
  for (let b = 0; b < batchSize; b++)
    for (let oh = 0; oh < outHeight; oh++)
      for (let ow = 0; ow < outWidth; ow++)
        for (let c = 0; c < inChannels; c++)
          for (let ih = oh * strideHeight - padInfo.top; ih < oh * strideHeight - padInfo.top + filterHeight; ih++)
            for (let iw = ow * strideWidth - padInfo.left; iw < ow * strideWidth - padInfo.left + filterWidth; iw++) {
              if (ih < 0 || iw < 0 || ih >= inHeight || iw >= inWidth) continue
              const o = ((b * outHeight + oh) * outWidth + ow) * inChannels + c
              output.values[o] = Math.max(output.values[o], input.values[((b * inHeight + ih) * inWidth + iw) * inChannels + c])
            }
  return {
    title: `MaxPoolGrad x=${x} values+${offset}${ties ? ' with ties' : ''} filterSize=${filterSize} strides=${strides} pad=${pad}`,
    kernel: 'MaxPoolGrad',
    inputs: { dy: randomPlain(info.outShape, 17), input, output },
    attrs: { filterSize, strides, pad }
  }
}

const KERNEL_CASES: KernelCase[] = [
  // 2×2 pooling with stride 2 and channels in fours: the SIMD loop (odd sizes leave a last row and column unread,
  // negative values and ties); other poolings: wasm's own.
  maxPoolCase([3, 8, 6, 8], 2, 2, 'valid'),
  maxPoolCase([2, 7, 9, 4], 2, 2, 'valid', -0.5, true),
  maxPoolCase([32, 26, 26, 32], 2, 2, 'valid'),
  maxPoolCase([2, 6, 6, 3], 2, 2, 'valid'),
  maxPoolCase([2, 7, 7, 4], 3, 2, 'same'),
  conv2dFilterCase([2, 6, 6, 1], [3, 3, 1, 4], 1, 'valid'),
  conv2dFilterCase([2, 7, 7, 3], [3, 3, 3, 5], 2, 'same'),
  conv2dFilterCase([2, 8, 6, 2], [5, 3, 2, 3], [2, 1], 'same'),
  conv2dFilterCase([1, 9, 9, 2], [2, 2, 2, 2], 3, 'valid'),
  conv2dFilterCase([2, 6, 6, 2], [3, 3, 2, 3], 1, 1),
  conv2dFilterCase([2, 6, 7, 2], [3, 3, 2, 3], 2, [[0, 0], [1, 2], [0, 1], [0, 0]]),
  conv2dFilterCase([2, 3, 6, 6], [3, 3, 3, 4], 1, 'same', 'NCHW'),
  conv2dFilterCase([2, 3, 7, 6], [3, 3, 3, 2], 2, [[0, 0], [0, 0], [1, 1], [2, 0]], 'NCHW'),
  conv2dFilterCase([1, 1, 12, 3], [1, 3, 3, 4], 1, 'valid'),
  // Padding on every side, strides, a single output channel.
  conv2dFilterCase([3, 9, 8, 2], [3, 3, 2, 8], 2, 'same'),
  conv2dFilterCase([2, 7, 9, 4], [2, 3, 4, 12], [2, 1], [[0, 0], [1, 0], [2, 1], [0, 0]]),
  conv2dFilterCase([2, 10, 10, 3], [5, 5, 3, 4], 1, 2),
  conv2dFilterCase([9, 62, 62, 32], [3, 3, 32, 1], 1, 'valid'),
  // Big enough for many blocks and tasks (conv-gemm.ts): the seed CNN's layers, odd channel counts (the product's
  // 4-column and single-column tiles), strides with "same" padding, a wide window; the first layer's single channel.
  conv2dFilterCase([32, 13, 13, 32], [3, 3, 32, 64], 1, 'valid'),
  conv2dFilterCase([32, 28, 28, 1], [3, 3, 1, 32], 1, 'valid'),
  conv2dFilterCase([6, 17, 15, 5], [3, 3, 5, 7], 2, 'same'),
  conv2dFilterCase([4, 12, 12, 8], [5, 5, 8, 12], 1, 2),
  conv2dInputCase([32, 13, 13, 32], [3, 3, 32, 64], 1, 'valid'),
  conv2dInputCase([6, 17, 15, 5], [3, 3, 5, 7], 2, 'same'),
  conv2dInputCase([4, 12, 12, 8], [5, 5, 8, 12], 1, 2),
  conv2dForwardCase([32, 13, 13, 32], [3, 3, 32, 64], 1, 'valid'),
  conv2dForwardCase([6, 17, 15, 5], [3, 3, 5, 7], 2, 'same'),
  conv2dForwardCase([4, 12, 12, 8], [5, 5, 8, 12], 1, 2),
  // An empty batch: nothing to compute, an empty result (and a zero filter gradient).
  conv2dForwardCase([0, 6, 6, 8], [3, 3, 8, 4], 1, 'same'),
  conv2dFilterCase([0, 6, 6, 8], [3, 3, 8, 4], 1, 'same'),
  conv2dInputCase([0, 6, 6, 8], [3, 3, 8, 4], 1, 'same'),
  conv2dForwardCase([2, 9, 9, 6], [2, 4, 6, 9], [2, 1], [[0, 0], [1, 0], [2, 1], [0, 0]]),
  // A first layer: one or three channels, a patch row of 9 or 27 floats (scalar copies, single-column tiles).
  conv2dForwardCase([2, 9, 9, 3], [3, 3, 3, 8], 1, 'same'),
  conv2dForwardCase([32, 28, 28, 1], [3, 3, 1, 32], 1, 'valid'),
  conv2dInputCase([2, 6, 6, 1], [3, 3, 1, 4], 1, 'valid'),
  conv2dInputCase([2, 13, 13, 32], [3, 3, 32, 64], 1, 'valid'),
  conv2dInputCase([2, 7, 7, 3], [3, 3, 3, 5], 2, 'same'),
  conv2dInputCase([2, 8, 6, 2], [5, 3, 2, 3], [2, 1], 'same'),
  conv2dInputCase([1, 9, 9, 2], [2, 2, 2, 2], 3, 'valid'),
  conv2dInputCase([1, 10, 10, 2], [3, 3, 2, 2], 2, 'valid'),
  conv2dInputCase([2, 6, 6, 2], [3, 3, 2, 3], 1, 1),
  conv2dInputCase([2, 6, 7, 2], [3, 3, 2, 3], 2, [[0, 0], [1, 2], [0, 1], [0, 0]]),
  conv2dInputCase([1, 5, 5, 1], [2, 2, 1, 2], 1, [[0, 0], [3, 0], [0, 3], [0, 0]]),
  conv2dInputCase([2, 3, 6, 6], [3, 3, 3, 4], 1, 'same', 'NCHW'),
  conv2dInputCase([2, 3, 7, 6], [3, 3, 3, 2], 2, [[0, 0], [0, 0], [1, 1], [2, 0]], 'NCHW'),
  conv2dInputCase([1, 1, 12, 3], [1, 3, 3, 4], 1, 'valid'),
  matMulCase([7, 5], [5, 3], false, false),
  matMulCase([5, 7], [5, 3], true, false),
  matMulCase([7, 5], [3, 5], false, true),
  matMulCase([5, 7], [3, 5], true, true),
  matMulCase([1, 40, 33], [1, 40, 17], true, false),
  matMulCase([32, 1600], [32, 128], true, false),
  matMulCase([32, 128], [1600, 128], false, true),
  // a·bᵀ with b the larger: computed as (b·aᵀ)ᵀ, also under a leading batch axis of 1.
  matMulCase([1, 4, 50], [1, 60, 50], false, true),
  matMulCase([3, 4, 5], [3, 4, 6], true, false),
  matMulCase([2, 4, 5], [1, 6, 5], false, true),
  // The SIMD product's tiles: 4 rows × 8 columns, then 4 columns, then one column at a time, and the last 1–3 rows alone.
  matMulCase([13, 21], [21, 29], false, false),
  matMulCase([21, 13], [21, 29], true, false),
  matMulCase([4, 3], [3, 8], false, false),
  matMulCase([32, 784], [784, 128], false, false),
  matMulCase([32, 784], [32, 128], true, false),
  matMulCase([6, 0], [0, 12], false, false),
  matMulCase([1, 9, 11], [1, 14, 11], false, true),
  fusedMatMulCase([13, 21], [21, 29], false, false, 'relu'),
  fusedMatMulCase([32, 128], [128, 10], false, false, 'linear'),
  fusedMatMulCase([21, 13], [21, 12], true, false, 'relu'),
  fusedMatMulCase([13, 21], [12, 21], false, true, 'linear'),
  fusedMatMulCase([21, 13], [12, 21], true, true, 'relu'),
  fusedMatMulCase([7, 5], [5, 6], false, false, 'relu', false),
  // Activations the SIMD product does not apply: wasm's own.
  fusedMatMulCase([7, 5], [5, 6], false, false, 'sigmoid'),
  ...depthwiseCases([2, 6, 6, 3], [3, 3, 3, 1], 1, 1, 'valid'),
  ...depthwiseCases([2, 7, 7, 2], [3, 3, 2, 3], 2, 1, 'same'),
  ...depthwiseCases([1, 8, 8, 2], [3, 3, 2, 2], 1, 2, 'same'),
  ...depthwiseCases([2, 9, 9, 2], [2, 2, 2, 2], 1, 3, 'valid'),
  ...depthwiseCases([2, 8, 7, 2], [5, 3, 2, 1], 3, 1, 1),
  maxPoolGradCase([2, 6, 6, 3], 2, 2, 'valid'),
  maxPoolGradCase([2, 6, 6, 3], 2, 2, 'valid', -5),
  maxPoolGradCase([1, 7, 7, 2], 3, 2, 'same', -2),
  maxPoolGradCase([2, 8, 5, 2], [3, 2], [1, 2], 'valid'),
  maxPoolGradCase([1, 1, 9, 4], [1, 2], [1, 2], 'valid', -1),
  // 2×2 pooling, stride 2, channels a multiple of 4: the SIMD kernel (odd sizes leave a row and a column out).
  maxPoolGradCase([2, 6, 6, 4], 2, 2, 'valid'),
  maxPoolGradCase([2, 7, 9, 8], 2, 2, 'valid', -5),
  maxPoolGradCase([3, 8, 8, 12], 2, 2, 'same', 0, true),
  maxPoolGradCase([2, 5, 5, 4], 2, 2, 'same'),
  segmentCase(randomPlain([5], 7), intPlain([0, 2, 0, 1, 2], [5]), 3),
  segmentCase(randomPlain([6, 4], 8), intPlain([3, 0, 3, 3, 1, 0], [6]), 5),
  segmentCase(randomPlain([2, 3, 4], 9), intPlain([1, 0, 1, 1, 2, 0], [2, 3]), 3),
  segmentCase(randomPlain([4, 2], 10), intPlain([-1, 1, 9, 1], [4]), 2),
  segmentCase(intPlain([1, 2, 3, 4, 5, 6], [3, 2]), intPlain([1, 1, 0], [3]), 2),
  { title: 'Identity x=[3,5]', kernel: 'Identity', inputs: { x: randomPlain([3, 5], 11) }, attrs: {} },
  // Bias adds (a bias along the last axis, a multiple of 4, at least 4096 floats) take the SIMD pass; the rest wasm's own Add.
  ...(
    [
      [[16, 6, 6, 8], [8]],
      [[16, 6, 6, 8], [1, 1, 1, 8]],
      [[64, 64], [64]],
      [[2, 4], [4]],
      [[16, 6, 6, 8], [6, 8]],
      [[16, 8, 8, 6], [6]],
      [[8], [16, 6, 6, 8]]
    ] as Array<[number[], number[]]>
  ).map(([a, b], i) => ({
    title: `Add a=[${a}] b=[${b}]`,
    kernel: 'Add' as const,
    inputs: { a: randomPlain(a, 50 + i), b: randomPlain(b, 60 + i) },
    attrs: {}
  })),
  // ReLU of at least 4096 floats in fours: the SIMD pass; smaller or odd sizes: wasm's own.
  { title: 'Relu x=[16,6,6,8]', kernel: 'Relu', inputs: { x: randomPlain([16, 6, 6, 8], 70) }, attrs: {} },
  { title: 'Relu x=[3,5]', kernel: 'Relu', inputs: { x: randomPlain([3, 5], 71) }, attrs: {} },
  // Bias gradients (every axis but the last, channels a multiple of 4) take the SIMD pass; the rest wasm's own Sum.
  ...(
    [
      [[2, 5, 5, 8], [0, 1, 2], false],
      [[2, 5, 5, 8], [-4, -3, -2], true],
      [[32, 12], 0, false],
      [[3, 7, 4], [1, 0], true],
      [[0, 4], 0, false],
      [[6, 10], 0, false],
      [[3, 8], 1, false],
      [[2, 3, 8], [0, 2], false]
    ] as Array<[number[], number | number[], boolean]>
  ).map(([shape, axis, keepDims], i) => ({
    title: `Sum x=[${shape}] axis=${JSON.stringify(axis)} keepDims=${keepDims}`,
    kernel: 'Sum' as const,
    inputs: { x: randomPlain(shape, 30 + i) },
    attrs: { axis, keepDims }
  }))
]

// The studio's wasm: multithreaded where this machine has more than one core.
beforeAll(async () => {
  expect((await startWasmBackend(tf)).started).toBe(true)
  registerMissingWasmKernels(tf)
})

describe('registerMissingWasmKernels', () => {
  it('registers each missing or replaced kernel once and nothing on a second call', async () => {
    for (const name of [...WASM_GRADIENT_KERNELS, ...WASM_REPLACED_KERNELS]) expect(tf.getKernel(name, 'wasm')).toBeDefined()
    expect(registerMissingWasmKernels(tf)).toEqual([])
  })
})

describe('convolutions on wasm share their work with worker threads', () => {
  it('every thread runs tasks once the workers have started, and a filter gradient comes out the same bits every time', async () => {
    await use('wasm')
    const memory = backendMemory(tf.backend() as unknown as WasmHeapBackend)
    const x = toTensor(randomPlain([32, 13, 13, 32], 41))
    const dy = toTensor(randomPlain([32, 11, 11, 64], 42))
    const filterGradient = () => {
      const dW = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 32, 64] }) as tf.Tensor
      const values = dW.dataSync().slice()
      dW.dispose()
      return values
    }
    const first = filterGradient()
    const state = () => convPoolState(memory)
    // The workers start in the background: until then the engine's thread runs every task itself.
    for (let waited = 0; (state()?.workersStarted ?? 0) < (state()?.threads ?? 1) - 1 && waited < 20_000; waited += 20) await new Promise((r) => setTimeout(r, 20))
    const pool = state()
    expect(pool?.threads).toBe(wasmThreadCount())
    expect(pool?.workersStarted).toBe(wasmThreadCount() - 1)
    const before = pool?.tasksRun ?? []
    for (let i = 0; i < 20; i++) expect(filterGradient()).toEqual(first)
    const after = state()?.tasksRun ?? []
    if (wasmThreadCount() > 1) after.forEach((n, thread) => expect(n - before[thread], `thread ${thread}`).toBeGreaterThan(0))
    tf.dispose([x, dy])
  })
})

describe('Identity on wasm', () => {
  it('shares its input buffer instead of copying it, and either handle may be freed first', async () => {
    await use('wasm')
    const before = tf.memory()
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]])
    const y = tf.engine().runKernel('Identity', { x }) as tf.Tensor
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers + 1)
    x.dispose()
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6])
    const z = tf.engine().runKernel('Identity', { x: y }) as tf.Tensor
    y.dispose()
    expect(z.shape).toEqual([2, 3])
    expect(Array.from(z.dataSync())).toEqual([1, 2, 3, 4, 5, 6])
    z.dispose()
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers)
    expect(tf.memory().numTensors).toBe(before.numTensors)
  })
})

describe("ReLU's gradient on wasm", () => {
  it.each([[[2, 6, 6, 4]], [[3, 5]]])('is one kernel where sizes come in fours, and matches the cpu backend (x=[%s])', async (shape) => {
    const values = randomPlain(shape, 40)
    // Negatives, exact zeros (no gradient, as tfjs-core's step gives) and positives.
    values.values = values.values.map((v, i) => (i % 7 === 0 ? 0 : v))
    const dy = randomPlain(shape, 41)
    const gradient = async (backend: BackendName) => {
      await use(backend)
      const [x, upstream] = [toTensor(values), toTensor(dy)]
      const profile = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.relu(t))(x, upstream))
      const result = toPlain(profile.result as tf.Tensor)
      tf.dispose([x, upstream, profile.result as tf.Tensor])
      return { result, kernels: profile.kernels.map((k) => k.name) }
    }
    const [wasm, cpu] = [await gradient('wasm'), await gradient('cpu')]
    // The same numbers; cpu's 0·(negative dy) is −0, wasm's masked 0 is +0.
    const plusZero = (p: Plain) => Array.from(p.values, (v) => v + 0)
    expect(plusZero(wasm.result)).toEqual(plusZero(cpu.result))
    const inFours = tf.util.sizeFromShape(shape) % 4 === 0
    expect(wasm.kernels.includes('StrataReluGrad')).toBe(inFours)
    expect(wasm.kernels.includes('Step')).toBe(!inFours)
    expect(cpu.kernels).toContain('Step')
  })
})

describe('wasm gradient kernels match the cpu backend', () => {
  for (const c of KERNEL_CASES) {
    it(c.title, async () => {
      const actual = await runKernel('wasm', c.kernel, c.inputs, c.attrs)
      // Like TensorFlow, a sum keeps its input's dtype (the cpu kernel turns int32 into float32).
      expect(actual.dtype).toBe(c.kernel === 'UnsortedSegmentSum' ? c.inputs.x.dtype : 'float32')
      if (c.adjoint) return c.adjoint(actual)
      const expected = await runKernel('cpu', c.kernel, c.cpuInputs ?? c.inputs, c.attrs)
      if (['Sum', 'Add', 'BatchMatMul', '_FusedMatMul', 'Relu', 'Conv2D', 'MaxPool'].includes(c.kernel)) expect(actual.shape).toEqual(expected.shape)
      expect(relativeDiff(actual, { ...expected, shape: actual.shape })).toBeLessThan(1e-4)
    })
  }
})

interface LayerCase {
  title: string
  inputShape: number[]
  /** Integer inputs in [0, intRange) (for Embedding); float inputs otherwise. */
  intRange?: number
  build: (input: tf.SymbolicTensor) => tf.SymbolicTensor
}

const L = tf.layers
const dense = (units: number, activation?: string) => L.dense({ units, activation: activation as 'linear' | undefined })
/** Stacks fresh layers on the input: each backend builds its own model, and a model disposes its layers. */
const chain = (layers: () => tf.layers.Layer[]) => (input: tf.SymbolicTensor) =>
  layers().reduce((t, layer) => layer.apply(t) as tf.SymbolicTensor, input)

const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'gelu', 'gelu_new', 'swish', 'mish', 'softplus', 'relu6']

const LAYER_CASES: LayerCase[] = [
  ...ACTIVATIONS.map((a) => ({ title: `Dense activation=${a}`, inputShape: [6], build: chain(() => [dense(5, a)]) })),
  ...ACTIVATIONS.map((a) => ({ title: `Activation layer activation=${a}`, inputShape: [6], build: chain(() => [dense(5), L.activation({ activation: a as 'relu' })]) })),
  { title: 'LeakyReLU alpha=0.2', inputShape: [6], build: chain(() => [dense(5), L.leakyReLU({ alpha: 0.2 })]) },
  { title: 'Dropout rate=0.5 (inference path)', inputShape: [6], build: chain(() => [dense(5), L.dropout({ rate: 0.5 }), dense(3)]) },
  { title: 'Flatten', inputShape: [3, 4, 2], build: chain(() => [L.flatten(), dense(3)]) },
  { title: 'Reshape targetShape=[4,3]', inputShape: [12], build: chain(() => [L.reshape({ targetShape: [4, 3] }), L.conv1d({ filters: 2, kernelSize: 2 })]) },
  { title: 'BatchNormalization after Dense', inputShape: [6], build: chain(() => [dense(5), L.batchNormalization()]) },
  { title: 'BatchNormalization after Conv2D', inputShape: [6, 6, 2], build: chain(() => [L.conv2d({ filters: 3, kernelSize: 3 }), L.batchNormalization()]) },
  { title: 'LayerNormalization', inputShape: [6], build: chain(() => [dense(5), L.layerNormalization()]) },
  { title: 'Conv1D padding=valid', inputShape: [9, 2], build: chain(() => [L.conv1d({ filters: 3, kernelSize: 3, activation: 'relu' })]) },
  { title: 'Conv1D padding=same strides=2', inputShape: [9, 2], build: chain(() => [L.conv1d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' })]) },
  { title: 'Conv2D padding=valid', inputShape: [7, 7, 2], build: chain(() => [L.conv2d({ filters: 3, kernelSize: 3, activation: 'relu' })]) },
  { title: 'Conv2D padding=same strides=2', inputShape: [7, 7, 2], build: chain(() => [L.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' })]) },
  { title: 'Conv2D kernelSize=[2,4] strides=[1,2]', inputShape: [6, 8, 3], build: chain(() => [L.conv2d({ filters: 2, kernelSize: [2, 4], strides: [1, 2] })]) },
  { title: 'Conv2DTranspose strides=2', inputShape: [4, 4, 2], build: chain(() => [L.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2 })]) },
  { title: 'SeparableConv2D padding=valid depthMultiplier=2', inputShape: [7, 7, 2], build: chain(() => [L.separableConv2d({ filters: 3, kernelSize: 3, depthMultiplier: 2 })]) },
  { title: 'SeparableConv2D padding=same strides=2', inputShape: [7, 7, 2], build: chain(() => [L.separableConv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' })]) },
  { title: 'DepthwiseConv2D depthMultiplier=2', inputShape: [6, 6, 2], build: chain(() => [L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 })]) },
  { title: 'MaxPooling1D poolSize=2', inputShape: [8, 2], build: chain(() => [L.conv1d({ filters: 2, kernelSize: 1 }), L.maxPooling1d({ poolSize: 2 })]) },
  { title: 'MaxPooling2D poolSize=2', inputShape: [6, 6, 2], build: chain(() => [L.conv2d({ filters: 2, kernelSize: 1 }), L.maxPooling2d({ poolSize: 2 })]) },
  { title: 'MaxPooling2D poolSize=3 strides=2 padding=same', inputShape: [7, 7, 2], build: chain(() => [L.conv2d({ filters: 2, kernelSize: 1 }), L.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' })]) },
  { title: 'AveragePooling2D poolSize=2', inputShape: [6, 6, 2], build: chain(() => [L.conv2d({ filters: 2, kernelSize: 1 }), L.averagePooling2d({ poolSize: 2 })]) },
  { title: 'AveragePooling2D poolSize=3 strides=2 padding=same', inputShape: [7, 7, 2], build: chain(() => [L.conv2d({ filters: 2, kernelSize: 1 }), L.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' })]) },
  { title: 'GlobalAveragePooling1D', inputShape: [8, 2], build: chain(() => [L.conv1d({ filters: 2, kernelSize: 1 }), L.globalAveragePooling1d()]) },
  { title: 'GlobalAveragePooling2D', inputShape: [5, 5, 2], build: chain(() => [L.conv2d({ filters: 2, kernelSize: 1 }), L.globalAveragePooling2d({})]) },
  { title: 'GlobalMaxPooling2D', inputShape: [5, 5, 2], build: chain(() => [L.conv2d({ filters: 2, kernelSize: 1 }), L.globalMaxPooling2d({})]) },
  { title: 'Embedding inputDim=10 outputDim=4', inputShape: [5], intRange: 10, build: chain(() => [L.embedding({ inputDim: 10, outputDim: 4 }), L.flatten(), dense(2)]) },
  { title: 'LSTM', inputShape: [5, 3], build: chain(() => [L.lstm({ units: 4 })]) },
  { title: 'LSTM returnSequences', inputShape: [5, 3], build: chain(() => [L.lstm({ units: 4, returnSequences: true })]) },
  { title: 'GRU', inputShape: [5, 3], build: chain(() => [L.gru({ units: 4 })]) },
  { title: 'Bidirectional LSTM', inputShape: [5, 3], build: chain(() => [L.bidirectional({ layer: L.lstm({ units: 3 }) as tf.RNN })]) },
  { title: 'Bidirectional GRU mergeMode=sum', inputShape: [5, 3], build: chain(() => [L.bidirectional({ layer: L.gru({ units: 3, returnSequences: true }) as tf.RNN, mergeMode: 'sum' })]) },
  {
    title: 'Add and Concatenate branches',
    inputShape: [6],
    build: (input) => {
      const a = dense(4).apply(input) as tf.SymbolicTensor
      const b = dense(4, 'tanh').apply(input) as tf.SymbolicTensor
      const sum = L.add().apply([a, b]) as tf.SymbolicTensor
      return L.concatenate().apply([sum, b]) as tf.SymbolicTensor
    }
  },
  { title: 'Rescaling scale=1/255 offset=-1', inputShape: [6], build: chain(() => [L.rescaling({ scale: 1 / 255, offset: -1 }), dense(3)]) }
]

/** A model's trainable weights' gradients and the gradient with respect to its (float) input, for a fixed random loss. */
async function layerGradients(backend: BackendName, c: LayerCase, weights: Plain[] | null): Promise<{ grads: Plain[]; weights: Plain[] }> {
  await use(backend)
  const before = tf.memory().numTensors
  const input = tf.input({ shape: c.inputShape, dtype: c.intRange ? 'int32' : 'float32' })
  const model = tf.model({ inputs: input, outputs: c.build(input) })
  if (weights) {
    const ts = weights.map(toTensor)
    model.setWeights(ts)
    tf.dispose(ts)
  }
  const initial = weights ?? model.getWeights().map(toPlain)
  const batch = [3, ...c.inputShape]
  const x = c.intRange
    ? tf.tensor(Array.from(seeded(tf.util.sizeFromShape(batch), 11), (v) => Math.floor(((v + 1) / 2) * c.intRange!)), batch, 'int32')
    : tf.tidy(() => tf.variable(toTensor(randomPlain(batch, 12))))
  const outShape = [3, ...(model.outputs[0].shape.slice(1) as number[])]
  const target = toTensor(randomPlain(outShape, 13))
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  if (x instanceof tf.Variable) vars.push(x)
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(model.apply(x, { training: !c.title.includes('inference') }) as tf.Tensor, target)),
    vars
  )
  const result = vars.map((v) => toPlain(grads[v.name]))
  tf.dispose([value, x, target, ...Object.values(grads)])
  model.dispose()
  expect(tf.memory().numTensors).toBe(before)
  return { grads: result, weights: initial }
}

describe('every catalog layer has the same gradients on wasm as on cpu', () => {
  for (const c of LAYER_CASES) {
    it(c.title, async () => {
      const cpu = await layerGradients('cpu', c, null)
      const wasm = await layerGradients('wasm', c, cpu.weights)
      expect(wasm.grads.length).toBe(cpu.grads.length)
      wasm.grads.forEach((g, i) => expect(relativeDiff(g, cpu.grads[i])).toBeLessThan(1e-4))
    })
  }

  it('dilated Conv2D is refused by tfjs-core on both backends alike (no kernel can lift that)', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await expect(layerGradients(backend, { title: 'dilated', inputShape: [7, 7, 1], build: chain(() => [L.conv2d({ filters: 2, kernelSize: 3, dilationRate: 2 })]) }, null))
        .rejects.toThrow(/dilation rates greater than 1/)
    }
    // The failed attempts leave their models behind; that is tfjs's doing, not this module's.
    tf.disposeVariables()
  })
})

interface FitCase {
  title: string
  optimizer: () => tf.Optimizer
  loss: string
  activation: string
  target: Plain
  /** Tensors the optimizer itself leaks: tfjs-core 4.22's MomentumOptimizer.dispose forgets SGD's learning-rate scalar. */
  optimizerLeak?: number
}

const ONE_HOT = { values: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0]), shape: [4, 3], dtype: 'float32' } as const satisfies Plain
const FIT_CASES: FitCase[] = [
  { title: 'Adam + categoricalCrossentropy', optimizer: () => tf.train.adam(0.01), loss: 'categoricalCrossentropy', activation: 'softmax', target: ONE_HOT },
  { title: 'SGD momentum=0.9 + binaryCrossentropy', optimizer: () => tf.train.momentum(0.05, 0.9), loss: 'binaryCrossentropy', activation: 'sigmoid', target: ONE_HOT, optimizerLeak: 1 },
  { title: 'SGD + meanSquaredError', optimizer: () => tf.train.sgd(0.05), loss: 'meanSquaredError', activation: 'linear', target: randomPlain([4, 3], 14) },
  { title: 'RMSprop + sparseCategoricalCrossentropy', optimizer: () => tf.train.rmsprop(0.01), loss: 'sparseCategoricalCrossentropy', activation: 'softmax', target: { values: Float32Array.from([0, 1, 2, 1]), shape: [4, 1], dtype: 'float32' } },
  // Centered RMSprop is left out: tfjs 4.22's turns weights to NaN on cpu as on wasm, at random, for this tiny model.
  { title: 'RMSprop momentum=0.5 + categoricalCrossentropy', optimizer: () => tf.train.rmsprop(0.01, 0.9, 0.5), loss: 'categoricalCrossentropy', activation: 'softmax', target: ONE_HOT }
]

/** Weights after three full-batch steps of model.fit from given initial weights. */
async function fitWeights(backend: BackendName, c: FitCase, weights: Plain[] | null): Promise<{ after: Plain[]; initial: Plain[] }> {
  await use(backend)
  const before = tf.memory().numTensors
  const model = tf.sequential({ layers: [L.dense({ inputShape: [5], units: 6, activation: 'relu' }), L.dense({ units: 3, activation: c.activation as 'linear' })] })
  if (weights) {
    const ts = weights.map(toTensor)
    model.setWeights(ts)
    tf.dispose(ts)
  }
  const initial = weights ?? model.getWeights().map(toPlain)
  model.compile({ optimizer: c.optimizer(), loss: c.loss })
  const xs = toTensor(randomPlain([4, 5], 15))
  const ys = toTensor(c.target)
  await model.fit(xs, ys, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 })
  const after = model.getWeights().map(toPlain)
  model.optimizer.dispose()
  model.dispose()
  tf.dispose([xs, ys])
  expect(tf.memory().numTensors).toBe(before + (c.optimizerLeak ?? 0))
  return { after, initial }
}

describe('optimizers and losses train the same on wasm as on cpu', () => {
  for (const c of FIT_CASES) {
    it(c.title, async () => {
      const cpu = await fitWeights('cpu', c, null)
      const wasm = await fitWeights('wasm', c, cpu.initial)
      wasm.after.forEach((w, i) => expect(relativeDiff(w, cpu.after[i])).toBeLessThan(1e-4))
    })
  }
})

describe('a small CNN on wasm', () => {
  it('learns horizontal from vertical bars and leaves no tensor behind', async () => {
    await use('wasm')
    const before = tf.memory().numTensors
    const n = 64
    const images = new Float32Array(n * 8 * 8)
    const labels = new Float32Array(n * 2)
    const noise = seeded(images.length, 21)
    for (let i = 0; i < n; i++) {
      const vertical = i % 2
      const at = 1 + (i % 6)
      for (let r = 0; r < 8; r++) {
        for (let c = 0; c < 8; c++) {
          const onBar = vertical ? c === at : r === at
          images[(i * 8 + r) * 8 + c] = (onBar ? 1 : 0) + 0.1 * noise[(i * 8 + r) * 8 + c]
        }
      }
      labels[i * 2 + vertical] = 1
    }
    const xs = tf.tensor4d(images, [n, 8, 8, 1])
    const ys = tf.tensor2d(labels, [n, 2])
    const model = tf.sequential({
      layers: [
        L.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
        L.maxPooling2d({ poolSize: 2 }),
        L.flatten(),
        L.dense({ units: 2, activation: 'softmax' })
      ]
    })
    model.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy' })
    const history = await model.fit(xs, ys, { epochs: 12, batchSize: 16, verbose: 0 })
    const losses = history.history.loss as number[]
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.5)
    model.optimizer.dispose()
    model.dispose()
    tf.dispose([xs, ys])
    expect(tf.memory().numTensors).toBe(before)
  })

  it('takes a RandomWidth augmentation (the only random image layer in tfjs 4.22) through training', async () => {
    await use('wasm')
    const before = tf.memory().numTensors
    const layer = L.randomWidth({ factor: 0.3, seed: 3 })
    const conv = L.conv2d({ filters: 2, kernelSize: 3 })
    const x = tf.tidy(() => tf.variable(toTensor(randomPlain([2, 8, 8, 1], 22))))
    const { value, grads } = tf.variableGrads(() => tf.sum(conv.apply(layer.apply(x, { training: true })) as tf.Tensor))
    expect(Number.isFinite(value.dataSync()[0])).toBe(true)
    tf.dispose([value, x, ...Object.values(grads)])
    conv.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })
})
