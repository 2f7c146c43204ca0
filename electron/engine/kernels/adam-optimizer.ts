import type * as TfModule from '@tensorflow/tfjs'
import type { TensorInfo, TypedArray } from '@tensorflow/tfjs'
import { simdAdam } from './adam'
import { backendMemory, type WasmHeapBackend } from './emit'

type Tf = typeof TfModule
/** What an optimiser's applyGradients takes: gradients by variable name. */
type VariableGradients = Parameters<TfModule.AdamOptimizer['applyGradients']>[0]

/** The part of tfjs-backend-wasm's BackendWasm the fused update reads (its type is not worth a dependency on the package). */
interface HeapBackend extends WasmHeapBackend {
  typedArrayFromHeap(info: TensorInfo): TypedArray
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo
  refCount(dataId: object): number
  dataIdMap: { has(dataId: object): boolean; get(dataId: object): { memoryOffset: number } | undefined }
}

/** AdamOptimizer's own state (private in its typings, the same fields at run time in tfjs 4.22, which package.json pins). */
interface AdamState {
  beta1: number
  beta2: number
  epsilon: number
  learningRate: number
  accBeta1: TfModule.Variable
  accBeta2: TfModule.Variable
  accumulatedFirstMoment: Array<{ originalName: string; variable: TfModule.Variable } | undefined>
  accumulatedSecondMoment: Array<{ originalName: string; variable: TfModule.Variable } | undefined>
}

const f32 = Math.fround

/**
 * tf.train.adam whose update runs as one loop per variable over wasm's memory instead of eleven kernels per variable:
 * a WebAssembly SIMD loop (see simdAdam), or a JavaScript one where that cannot run.
 * The arithmetic is Adam's, rounded to float32 where the kernels store their results (moments, weights); the state (moments, β powers, iterations), its names and its checkpoints are
 * AdamOptimizer's own. Moments are updated in place; each weight gets a new buffer, because wasm caches its packed
 * XNNPACK weights by buffer. On other backends, or where a buffer is shared with another tensor, it is plain Adam.
 */
export function fusedAdam(tf: Tf, learningRate: number, beta1 = 0.9, beta2 = 0.999): TfModule.AdamOptimizer {
  class FusedAdam extends tf.AdamOptimizer {
    override applyGradients(variableGradients: VariableGradients): void {
      if (!this.applyOnHeap(variableGradients)) super.applyGradients(variableGradients)
    }

    private applyOnHeap(variableGradients: VariableGradients): boolean {
      if (tf.getBackend() !== 'wasm') return false
      const backend = tf.backend() as unknown as HeapBackend
      const state = this as unknown as AdamState
      const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients)
      const onHeap = (t: TfModule.Tensor) => t.dtype === 'float32' && backend.dataIdMap.has(t.dataId)
      const unshared = (t: TfModule.Tensor) => onHeap(t) && backend.refCount(t.dataId) === 1
      const updates: Array<{ value: TfModule.Variable; gradient: TfModule.Tensor; m: TfModule.Variable; v: TfModule.Variable }> = []
      for (const [i, name] of names.entries()) {
        const value = tf.engine().registeredVariables[name]
        // Created as AdamOptimizer creates them, so that its getWeights/setWeights and checkpoints see the same state.
        state.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) }
        state.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) }
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name]
        if (gradient == null) continue
        const m = state.accumulatedFirstMoment[i]!.variable
        const v = state.accumulatedSecondMoment[i]!.variable
        if (!onHeap(value) || !onHeap(gradient) || !unshared(m) || !unshared(v)) return false
        updates.push({ value, gradient, m, v })
      }
      if (!unshared(state.accBeta1) || !unshared(state.accBeta2)) return false

      const accBeta1 = backend.typedArrayFromHeap(state.accBeta1)[0]
      const accBeta2 = backend.typedArrayFromHeap(state.accBeta2)[0]
      const b1 = f32(state.beta1)
      const b2 = f32(state.beta2)
      const c1 = f32(1 - state.beta1)
      const c2 = f32(1 - state.beta2)
      const oneMinusAccBeta1 = f32(1 - accBeta1)
      const oneMinusAccBeta2 = f32(1 - accBeta2)
      const epsilon = f32(state.epsilon)
      const step = f32(-state.learningRate)
      const r1 = 1 / oneMinusAccBeta1
      const r2 = 1 / oneMinusAccBeta2
      // The SIMD update where it can run, else the JavaScript loop below.
      const kernel = simdAdam(backendMemory(backend))
      const offset = (info: TensorInfo) => (backend.dataIdMap.get(info.dataId) as { memoryOffset: number }).memoryOffset
      for (const { value, gradient, m, v } of updates) {
        const out = backend.makeOutput([...value.shape], 'float32')
        if (kernel) kernel(offset(value), offset(gradient), offset(m), offset(v), offset(out), value.size, { b1, b2, c1, c2, r1, r2, epsilon, step })
        else {
          // Views are taken after the allocation: growing wasm memory detaches older views.
          const next = backend.typedArrayFromHeap(out)
          const w = backend.typedArrayFromHeap(value)
          const g = backend.typedArrayFromHeap(gradient)
          const ms = backend.typedArrayFromHeap(m)
          const vs = backend.typedArrayFromHeap(v)
          for (let j = 0; j < w.length; j++) {
            const gj = g[j]
            // Float32Array stores round; the steps between run in float64, within float32's rounding of the kernels' result.
            const mj = (ms[j] = ms[j] * b1 + gj * c1)
            const vj = (vs[j] = vs[j] * b2 + gj * gj * c2)
            next[j] = w[j] + ((mj * r1) / (Math.sqrt(vj * r2) + epsilon)) * step
          }
        }
        const updated = tf.engine().makeTensorFromTensorInfo(out)
        value.assign(updated)
        updated.dispose()
      }
      // Taken again: the outputs made above may have grown wasm memory, which detaches older views.
      backend.typedArrayFromHeap(state.accBeta1)[0] = f32(accBeta1 * b1)
      backend.typedArrayFromHeap(state.accBeta2)[0] = f32(accBeta2 * b2)
      this.incrementIterations()
      return true
    }
  }
  return new FusedAdam(learningRate, beta1, beta2)
}
