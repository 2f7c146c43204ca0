/**
 * One training step of a stack of Dense layers ending in softmax (an MLP classifier: the seed MLP, the 3-layer MLP
 * template, tabular classifiers) written out by hand at the wasm backend's level: the forward products with their bias
 * and ReLU, softmax cross-entropy from the logits, and the backward products, on the engine's SIMD kernels over wasm
 * memory, then the optimiser's own applyGradients.
 *
 * The arithmetic is the one tfjs-core's autodiff runs on wasm for such a model (the same kernels, in the same order:
 * see tf-kernels.ts and softmax-loss.ts), without what it costs around them on a step of a millisecond: recording
 * the tape, tracking and disposing about 60 tensors, and launching each kernel through the engine. Anything else a
 * model holds (dropout, normalisation, regularisers, constraints, other activations, several inputs) keeps the general
 * path: {@link denseStackStep} answers null.
 */
import type * as TfModule from '@tensorflow/tfjs'
import type { TensorInfo } from '@tensorflow/tfjs'
import { softmaxGradient, softmaxRows } from './softmax-loss'
import { GEMM_RELU, simdGemm, type GemmKernel } from './gemm'
import { simdReluGrad } from './relu'
import { backendMemory } from './emit'
import { heapOffset, runWasmKernel, type WasmBackend } from './tf-kernels'

type Tf = typeof TfModule

/** What the step reads of a tfjs-layers Dense layer (public fields at run time, not all in its typings). */
interface DenseLayer {
  units: number
  useBias: boolean
  kernel: { read(): TfModule.Variable }
  bias: { read(): TfModule.Variable } | null
  activation: { getClassName(): string }
  kernelRegularizer?: unknown
  biasRegularizer?: unknown
  activityRegularizer?: unknown
  kernelConstraint?: unknown
  biasConstraint?: unknown
  trainable: boolean
  /** Its input: a Dense layer on more than rows of features (rank > 2) works on the last axis alone. */
  input: { shape: unknown[] }
  inboundNodes: Array<{ inboundLayers: unknown[] }>
}

/** A training step's results: the batch's mean loss and how many of its samples were predicted right. */
export interface DenseStepResult {
  loss: number
  correct: number
}

/** One step on a batch of `n` rows of inputs `x` and one-hot (or weighted) labels `y`. */
export interface DenseStep {
  step(x: Float32Array, y: Float32Array, n: number): DenseStepResult
}

/** Layers that pass rows through unchanged (a Flatten of a row-major batch is its own data). */
const PASS_THROUGH = new Set(['InputLayer', 'Flatten'])

/** The model's Dense layers in order, when it is a plain chain of them (after inputs and flattens) ending in softmax; else null. */
function denseChain(model: TfModule.LayersModel): DenseLayer[] | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return null
  const dense: DenseLayer[] = []
  let previous: unknown = null
  for (const layer of model.layers) {
    const node = (layer as unknown as DenseLayer).inboundNodes
    if (node.length !== 1 || (previous !== null && (node[0].inboundLayers.length !== 1 || node[0].inboundLayers[0] !== previous))) return null
    previous = layer
    const kind = layer.getClassName()
    if (PASS_THROUGH.has(kind)) {
      if (dense.length > 0) return null
      continue
    }
    if (kind !== 'Dense') return null
    const d = layer as unknown as DenseLayer
    if (d.input.shape.length !== 2 || !d.trainable || d.kernelRegularizer || d.biasRegularizer || d.activityRegularizer || d.kernelConstraint || d.biasConstraint) return null
    dense.push(d)
  }
  if (dense.length === 0 || (model.outputs[0] as unknown as { sourceLayer: unknown }).sourceLayer !== dense[dense.length - 1]) return null
  const activations = dense.map((d) => d.activation.getClassName())
  const hiddenOk = activations.slice(0, -1).every((a) => a === 'relu' || a === 'linear')
  return hiddenOk && activations[activations.length - 1] === 'softmax' ? dense : null
}

/**
 * The hand-written step for a classifier that is a chain of Dense layers ending in softmax, training on wasm with
 * every weight trainable; null for any other model or backend (train it the general way).
 */
export function denseStackStep(tf: Tf, model: TfModule.LayersModel, optimizer: TfModule.Optimizer): DenseStep | null {
  if (tf.getBackend() !== 'wasm') return null
  const layers = denseChain(model)
  if (!layers) return null
  const inputSize = (model.inputs[0].shape.slice(1) as number[]).reduce((a, b) => a * b, 1)
  if (!Number.isFinite(inputSize)) return null
  const backend = tf.backend() as unknown as WasmBackend
  const memory = backendMemory(backend)
  const gemm = simdGemm(memory)
  if (!gemm) return null
  const weightNames = new Set(model.trainableWeights.map((w) => w.name))
  const layerNames = layers.flatMap((l) => [l.kernel.read().name, ...(l.bias ? [l.bias.read().name] : [])])
  if (weightNames.size !== layerNames.length || !layerNames.every((n) => weightNames.has(n))) return null
  return { step: (x, y, n) => denseStep(tf, backend, gemm, memory, layers, inputSize, optimizer, x, y, n) }
}

function denseStep(tf: Tf, backend: WasmBackend, gemm: GemmKernel, memory: unknown, layers: DenseLayer[], inputSize: number, optimizer: TfModule.Optimizer, xData: Float32Array, yData: Float32Array, n: number): DenseStepResult {
  const scratch: TensorInfo[] = []
  const alloc = (shape: number[]) => {
    const info = backend.makeOutput(shape, 'float32')
    scratch.push(info)
    return info
  }
  const at = (info: TensorInfo) => heapOffset(backend, info)
  const view = (info: TensorInfo) => backend.typedArrayFromHeap(info) as Float32Array
  const gradients: Record<string, TfModule.Tensor> = {}
  try {
    const x = alloc([n, inputSize])
    view(x).set(xData.subarray(0, n * inputSize))
    // Forward: each layer's output, its bias added and its ReLU applied as the product is stored.
    const outputs: TensorInfo[] = [x]
    const sizes = [inputSize, ...layers.map((l) => l.units)]
    layers.forEach((layer, l) => {
      const out = alloc([n, layer.units])
      const relu = layer.activation.getClassName() === 'relu'
      const bias = layer.bias ? at(layer.bias.read()) : 0
      gemm(at(outputs[l]), sizes[l] * 4, 4, at(layer.kernel.read()), layer.units * 4, at(out), layer.units * 4, n, layer.units, sizes[l], bias, relu ? GEMM_RELU : 0)
      outputs.push(out)
    })
    // Softmax cross-entropy from the logits; the batch loss is the mean, so each sample's gradient is scaled by 1/n.
    const k = sizes[sizes.length - 1]
    const rows = softmaxRows(view(outputs[outputs.length - 1]), yData, n, k)
    let delta = alloc([n, k])
    const share = Math.fround(1 / n)
    softmaxGradient(rows, yData, () => share, view(delta), n, k)
    let lossSum = 0
    for (let i = 0; i < n; i++) lossSum = Math.fround(lossSum + rows.perSample[i])
    // Backward, last layer first: weight and bias gradients, then the gradient of the layer's input.
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l]
      const [inSize, units] = [sizes[l], sizes[l + 1]]
      const kernel = layer.kernel.read()
      const dW = backend.makeOutput([inSize, units], 'float32')
      gradients[kernel.name] = tf.engine().makeTensorFromTensorInfo(dW)
      gemm(at(outputs[l]), 4, inSize * 4, at(delta), units * 4, at(dW), units * 4, inSize, units, n, 0, 0)
      if (layer.bias) {
        // The Sum kernel the general step's bias gradient runs (the engine's SIMD column sum where it applies).
        const db = runWasmKernel(tf, 'Sum', backend, { x: delta }, { axis: [0], keepDims: false })
        gradients[layer.bias.read().name] = tf.engine().makeTensorFromTensorInfo(db)
      }
      if (l === 0) break
      const kernelT = runWasmKernel(tf, 'Transpose', backend, { x: kernel }, { perm: [1, 0] })
      scratch.push(kernelT)
      const dInput = alloc([n, inSize])
      gemm(at(delta), units * 4, 4, at(kernelT), inSize * 4, at(dInput), inSize * 4, n, inSize, units, 0, 0)
      if (layers[l - 1].activation.getClassName() === 'relu') reluGradInPlace(backend, memory, dInput, outputs[l], n * inSize)
      delta = dInput
    }
    optimizer.applyGradients(gradients)
    return { loss: lossSum / n, correct: rows.correct }
  } finally {
    tf.dispose(Object.values(gradients))
    for (const info of scratch) backend.disposeData(info.dataId)
  }
}

/** d ← d where the layer's output (after its ReLU) is positive, else 0. */
function reluGradInPlace(backend: WasmBackend, memory: unknown, d: TensorInfo, output: TensorInfo, count: number): void {
  const kernel = count % 4 === 0 ? simdReluGrad(memory) : null
  const at = (info: TensorInfo) => heapOffset(backend, info)
  if (kernel) return kernel(at(d), at(output), at(d), count)
  const ds = backend.typedArrayFromHeap(d)
  const os = backend.typedArrayFromHeap(output)
  for (let i = 0; i < count; i++) if (!(os[i] > 0)) ds[i] = 0
}
