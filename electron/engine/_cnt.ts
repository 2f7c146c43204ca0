import * as tf from '@tensorflow/tfjs'
import { registerMissingWasmKernels } from './wasm-kernels'
import { fusedAdam } from './fused-adam'
import { perSampleLoss, metricSum } from './losses'
async function main() {
  await import('@tensorflow/tfjs-backend-wasm'); await tf.setBackend('wasm'); registerMissingWasmKernels(tf)
  const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 128, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })] })
  const x = tf.randomUniform([32, 28, 28, 1]); const y = tf.oneHot(tf.randomUniform([32], 0, 10, 'int32'), 10).toFloat()
  const o = fusedAdam(tf, 0.001)
  const step = () => { let m: tf.Scalar | null = null; const l = o.minimize(() => { const p = model.apply(x, { training: true }) as tf.Tensor; m = tf.keep(metricSum(tf, 'classification', y, p)); return tf.mean(perSampleLoss(tf, 'classification', y, p)) }, true) as tf.Scalar; l.dataSync(); tf.dispose([l, m!]) }
  step(); step()
  const info = await tf.profile(step)
  const c = new Map<string, number>(); for (const k of info.kernels) c.set(k.name, (c.get(k.name) ?? 0) + 1)
  console.log(JSON.stringify(info.kernels.filter((k) => k.name === 'Identity' || k.name === 'Reshape').map((k) => k.name[0] + ':' + (k.outputShapes as number[][]).map((s) => s.join('x')).join(','))))
  console.log('kernels per step', info.kernels.length, JSON.stringify([...c]))
  const n = 200; const t0 = performance.now(); const c0 = process.cpuUsage(); for (let i = 0; i < n; i++) step(); const cu = process.cpuUsage(c0)
  console.log('ms/step wall', ((performance.now() - t0) / n).toFixed(3), 'cpu', ((cu.user + cu.system) / 1000 / n).toFixed(3))
  process.exit(0)
}
main()
