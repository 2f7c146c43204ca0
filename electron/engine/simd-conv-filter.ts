/**
 * Conv2DBackpropFilter of a convolution with few input channels (the first layer on grayscale or RGB images) as a
 * WebAssembly SIMD loop over the wasm backend's memory: for each filter tap and input channel, every output pixel
 * adds its input value times its row of output gradients to the tap's row of the filter gradient, four output
 * channels per instruction. The single XNNPACK convolution the other layers use (filterGradientByConv) has only
 * channels × taps output pixels here to share among threads, and runs a few times slower than this one thread.
 */
import { forLoop, I32, instantiateOver, op, V128, type ValueType } from './wasm-emit'

/** Byte offsets into wasm memory and the convolution's geometry (NHWC; `outChannels` a multiple of 4; dilation 1). */
export interface FilterGradArgs {
  x: number
  dy: number
  dw: number
  batch: number
  height: number
  width: number
  inChannels: number
  outHeight: number
  outWidth: number
  outChannels: number
  filterHeight: number
  filterWidth: number
  strideHeight: number
  strideWidth: number
  top: number
  left: number
}

export type FilterGradKernel = (args: FilterGradArgs) => void

const NAMES = ['x', 'dy', 'dw', 'batch', 'height', 'width', 'inChannels', 'outHeight', 'outWidth', 'outChannels', 'filterHeight', 'filterWidth', 'strideHeight', 'strideWidth', 'top', 'left'] as const
const [X, DY, DW, BATCH, H, W, CI, OH, OW, CO, KH, KW, SH, SW, TOP, LEFT] = NAMES.map((_, i) => i)
const PARAMS: ValueType[] = NAMES.map(() => I32)
// Locals: loop counters, derived offsets, and the input value splatted.
const [KHI, KWI, CII, B, OHI, OWI, C, ROW, IH, IW, CO_BYTES, DY_ROW, XV] = [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28]
const LOCALS: ValueType[] = [...Array<ValueType>(12).fill(I32), V128]

function filterGradCode(): number[] {
  const { get, set, i32, i32Add, i32Sub, i32Mul, i32And, i32LtS, i32GeS, f32Load, f32x4Splat, f32x4Mul, f32x4Add, v128Load, v128Store, f32, end } = op
  const inside = (v: number, size: number) => [...get(v), ...i32(0), ...i32GeS, ...get(v), ...get(size), ...i32LtS, ...i32And]
  // dW row of this tap and input channel += x value · dy row of this output pixel.
  const pixel = [
    // iw = ow·sw + kw − left
    ...get(OWI), ...get(SW), ...i32Mul, ...get(KWI), ...i32Add, ...get(LEFT), ...i32Sub, ...op.set(IW),
    ...inside(IW, W), ...op.if,
    // x[b, ih, iw, ci], splatted
    ...get(B), ...get(H), ...i32Mul, ...get(IH), ...i32Add, ...get(W), ...i32Mul, ...get(IW), ...i32Add, ...get(CI), ...i32Mul, ...get(CII), ...i32Add,
    ...i32(4), ...i32Mul, ...get(X), ...i32Add, ...f32Load, ...f32x4Splat, ...set(XV),
    // the dy row of (b, oh, ow), in bytes from dy
    ...get(B), ...get(OH), ...i32Mul, ...get(OHI), ...i32Add, ...get(OW), ...i32Mul, ...get(OWI), ...i32Add, ...get(CO_BYTES), ...i32Mul, ...get(DY), ...i32Add, ...set(DY_ROW),
    ...forLoop(C, i32(0), get(CO_BYTES), i32(16), [
      ...get(ROW), ...get(C), ...i32Add,
      ...get(ROW), ...get(C), ...i32Add, ...v128Load,
      ...get(DY_ROW), ...get(C), ...i32Add, ...v128Load, ...get(XV), ...f32x4Mul, ...f32x4Add, ...v128Store
    ]),
    ...end
  ]
  const outputRow = [
    // ih = oh·sh + kh − top
    ...get(OHI), ...get(SH), ...i32Mul, ...get(KHI), ...i32Add, ...get(TOP), ...i32Sub, ...set(IH),
    ...inside(IH, H), ...op.if, ...forLoop(OWI, i32(0), get(OW), i32(1), pixel), ...end
  ]
  const tapChannel = [
    // the dW row of (kh, kw, ci), in bytes from dw
    ...get(KHI), ...get(KW), ...i32Mul, ...get(KWI), ...i32Add, ...get(CI), ...i32Mul, ...get(CII), ...i32Add, ...get(CO_BYTES), ...i32Mul, ...get(DW), ...i32Add, ...set(ROW),
    ...forLoop(C, i32(0), get(CO_BYTES), i32(16), [...get(ROW), ...get(C), ...i32Add, ...f32(0), ...f32x4Splat, ...v128Store]),
    ...forLoop(B, i32(0), get(BATCH), i32(1), forLoop(OHI, i32(0), get(OH), i32(1), outputRow))
  ]
  return [
    ...get(CO), ...i32(4), ...i32Mul, ...set(CO_BYTES),
    ...forLoop(KHI, i32(0), get(KH), i32(1), forLoop(KWI, i32(0), get(KW), i32(1), forLoop(CII, i32(0), get(CI), i32(1), tapChannel)))
  ]
}

/** The kernel bound to a wasm memory (the backend's WebAssembly.Memory), or null where it cannot run there. */
export function simdFilterGrad(memory: unknown): FilterGradKernel | null {
  const exports = instantiateOver(memory, 'conv2dFilterGrad', () => [{ name: 'conv2dFilterGrad', params: PARAMS, locals: LOCALS, code: filterGradCode() }])
  if (!exports) return null
  const run = exports.conv2dFilterGrad
  return (a) => run(...NAMES.map((name) => a[name]))
}
