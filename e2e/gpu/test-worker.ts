// The GPU engine's Worker as production bundles it, plus hooks the tests drive through the Worker's own message
// channel (never the engine port): detection, gradient parity with the cpu backend, and losing the WebGL context.
import * as tf from '@tensorflow/tfjs'
import '../../electron/engine/gpu/gpu-worker'
import { detectGpuBackend, type GpuBackendId } from '../../electron/engine/gpu/detect'

type Family = 'dense' | 'conv2d' | 'pooling' | 'batchnorm' | 'embedding' | 'lstm' | 'dropout'

/** A tiny model of one layer family and a batch of inputs for it (the same numbers on every backend). */
function familyCase(family: Family): { model: tf.LayersModel; x: tf.Tensor } {
  const wave = (n: number, scale = 1) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + 0.3) * scale)
  switch (family) {
    case 'dense':
      return { model: tf.sequential({ layers: [tf.layers.dense({ units: 5, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })] }), x: tf.tensor2d(wave(8), [2, 4]) }
    case 'conv2d':
      return { model: tf.sequential({ layers: [tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [6, 6, 2] }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] }), x: tf.tensor4d(wave(144), [2, 6, 6, 2]) }
    case 'pooling':
      return { model: tf.sequential({ layers: [tf.layers.conv2d({ filters: 2, kernelSize: 2, inputShape: [6, 6, 1] }), tf.layers.maxPooling2d({ poolSize: 2 }), tf.layers.averagePooling2d({ poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] }), x: tf.tensor4d(wave(72), [2, 6, 6, 1]) }
    case 'batchnorm':
      return { model: tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] }), tf.layers.batchNormalization(), tf.layers.dense({ units: 2 })] }), x: tf.tensor2d(wave(12), [4, 3]) }
    case 'embedding':
      return { model: tf.sequential({ layers: [tf.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 5 }), tf.layers.globalAveragePooling1d(), tf.layers.dense({ units: 2 })] }), x: tf.tensor2d([1, 2, 3, 4, 5, 9, 8, 7, 0, 0], [2, 5]) }
    case 'lstm':
      return { model: tf.sequential({ layers: [tf.layers.lstm({ units: 3, inputShape: [4, 2] }), tf.layers.dense({ units: 2 })] }), x: tf.tensor3d(wave(16), [2, 4, 2]) }
    case 'dropout':
      return { model: tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] }), tf.layers.dropout({ rate: 0.5 }), tf.layers.dense({ units: 2 })] }), x: tf.tensor2d(wave(6), [2, 3]) }
  }
}

/** Gradients of a mean-square loss with respect to every trainable weight, in inference mode, as flat arrays. */
async function gradients(family: Family, backend: string, weights: Float32Array[] | null): Promise<{ grads: number[][]; weights: Float32Array[] }> {
  if (!(await tf.setBackend(backend))) throw new Error(`setBackend(${backend}) failed`)
  const { model, x } = familyCase(family)
  if (weights) model.setWeights(weights.map((w, i) => tf.tensor(w, model.weights[i].shape as number[])))
  const own = model.getWeights().map((w) => w.dataSync() as Float32Array)
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.apply(x, { training: false }) as tf.Tensor)) as tf.Scalar, vars)
  const out = await Promise.all(vars.map(async (v) => Array.from(await grads[v.name].data())))
  tf.dispose([value, x, ...Object.values(grads)])
  model.dispose()
  return { grads: out, weights: own }
}

/** Largest difference between the GPU's and the cpu backend's gradients, relative to the largest cpu gradient. */
async function parity(family: Family, gpu: string): Promise<{ relativeError: number; values: number }> {
  const cpu = await gradients(family, 'cpu', null)
  const onGpu = await gradients(family, gpu, cpu.weights)
  let worst = 0
  let scale = 1e-6
  let values = 0
  cpu.grads.forEach((g, i) =>
    g.forEach((v, j) => {
      worst = Math.max(worst, Math.abs(v - onGpu.grads[i][j]))
      scale = Math.max(scale, Math.abs(v))
      values++
    })
  )
  return { relativeError: worst / scale, values }
}

/** A test's request to this Worker; the engine port's messages never come this way. */
type Hook = { id: number } & ({ type: 'detect'; allowSoftware: boolean; backends?: GpuBackendId[] } | { type: 'parity'; family: Family; gpu: string } | { type: 'lose-context' } | { type: 'lose-device' } | { type: 'freeze'; ms: number } | { type: 'texture-limit'; size: number })

/** The Worker's global scope, typed by hand: the node type config has no DOM library. */
const scope = globalThis as unknown as {
  addEventListener(type: 'message', listener: (event: { data: Hook | null }) => void): void
  postMessage(message: unknown): void
}
interface LosableContext {
  getExtension(name: 'WEBGL_lose_context'): { loseContext(): void }
  isContextLost(): boolean
}

scope.addEventListener('message', ({ data }) => {
  if (!data || typeof data !== 'object' || !('type' in data)) return
  const answer = (value: unknown) => scope.postMessage({ id: data.id, value })
  const fail = (err: unknown) => scope.postMessage({ id: data.id, error: String(err) })
  if (data.type === 'detect') detectGpuBackend(tf, { allowSoftware: data.allowSoftware, backends: data.backends }).then(answer, fail)
  else if (data.type === 'parity') parity(data.family, data.gpu).then(answer, fail)
  else if (data.type === 'freeze') {
    // A hung Worker: a synchronous loop that answers nothing, heartbeats included.
    const until = Date.now() + data.ms
    while (Date.now() < until);
    answer(true)
  } else if (data.type === 'texture-limit') {
    // A GPU with small textures, as on old integrated graphics.
    tf.env().set('WEBGL_MAX_TEXTURE_SIZE', data.size)
    answer(true)
  } else if (data.type === 'lose-device') {
    // A lost WebGPU device, as after a driver reset: destroying it resolves `device.lost`.
    const device = (tf.findBackend('webgpu') as unknown as { device: { destroy(): void } }).device
    device.destroy()
    answer(true)
  } else if (data.type === 'lose-context') {
    const gl = (tf.backend() as unknown as { gpgpu: { gl: LosableContext } }).gpgpu.gl
    gl.getExtension('WEBGL_lose_context').loseContext()
    answer(gl.isContextLost())
  }
})
