import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../../../common/random'
import { fusedAdam } from './adam-optimizer'
import { startWasmBackend } from './threads'

beforeAll(async () => {
  expect((await startWasmBackend(tf)).started).toBe(true)
})

const SHAPES = [[5, 7], [7], [3, 3, 2, 4]]

/** Deterministic values in [-1, 1). */
function seeded(n: number, seed: number): Float32Array {
  const random = seededRandom(seed)
  return Float32Array.from({ length: n }, () => random() * 2 - 1)
}

/** Runs `steps` updates on one backend from seeded weights and gradients; returns the weights and the optimiser's state. */
async function run(backend: 'wasm' | 'cpu', make: () => tf.Optimizer, steps: number, tag: string) {
  expect(await tf.setBackend(backend)).toBe(true)
  const before = tf.memory().numTensors
  const vars = SHAPES.map((shape, k) => tf.tidy(() => tf.variable(tf.tensor(seeded(tf.util.sizeFromShape(shape), 100 + k), shape), true, `${tag}_w${k}`)))
  const optimizer = make()
  const kernelsPerStep: number[] = []
  for (let s = 0; s < steps; s++) {
    const grads = vars.map((v, k) => ({ name: v.name, tensor: tf.tensor(seeded(v.size, 1000 * s + k + 1), v.shape) }))
    const profile = await tf.profile(() => optimizer.applyGradients(grads))
    kernelsPerStep.push(profile.kernels.length)
    tf.dispose(grads.map((g) => g.tensor))
  }
  const weights = vars.map((v) => Array.from(v.dataSync()))
  const saved = await optimizer.getWeights()
  const state = saved.map((w) => ({ name: w.name.replace(`${tag}_`, ''), values: Array.from(w.tensor.dataSync()) }))
  // getWeights makes a new tensor for the iteration count; the others are the optimiser's own.
  tf.dispose(saved.filter((w) => w.name === 'iter').map((w) => w.tensor))
  optimizer.dispose()
  tf.dispose(vars)
  expect(tf.memory().numTensors).toBe(before)
  return { weights, state, kernelsPerStep }
}

function maxDiff(a: number[][], b: number[][]): number {
  let worst = 0
  a.forEach((row, i) => row.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - b[i][j])))))
  return worst
}

describe('fusedAdam', () => {
  it('on wasm: the same weights, moments and iterations as tf.train.adam on the cpu backend after 6 steps, with no kernel launched per step', async () => {
    const fused = await run('wasm', () => fusedAdam(tf, 0.01), 6, 'fused')
    const reference = await run('cpu', () => tf.train.adam(0.01), 6, 'reference')
    expect(maxDiff(fused.weights, reference.weights)).toBeLessThan(1e-6)
    expect(fused.state.map((w) => w.name)).toEqual(reference.state.map((w) => w.name))
    expect(maxDiff(fused.state.map((w) => w.values), reference.state.map((w) => w.values))).toBeLessThan(1e-6)
    // The first step creates the moments (zerosLike); after that the update launches nothing.
    expect(fused.kernelsPerStep.slice(1)).toEqual([0, 0, 0, 0, 0])
    expect(reference.kernelsPerStep[1]).toBeGreaterThan(30)
  })

  it('on other backends it is tf.train.adam', async () => {
    const fused = await run('cpu', () => fusedAdam(tf, 0.01), 3, 'fusedcpu')
    const reference = await run('cpu', () => tf.train.adam(0.01), 3, 'referencecpu')
    expect(fused.weights).toEqual(reference.weights)
    expect(fused.state.map((w) => w.values)).toEqual(reference.state.map((w) => w.values))
  })

  it("its state moves to tf.train.adam and back (checkpoints), and training goes on identically", async () => {
    expect(await tf.setBackend('wasm')).toBe(true)
    const before = tf.memory().numTensors
    const a = tf.tidy(() => tf.variable(tf.tensor(seeded(12, 5), [3, 4]), true, 'moved_a'))
    const b = tf.tidy(() => tf.variable(tf.tensor(seeded(12, 5), [3, 4]), true, 'moved_b'))
    const fused = fusedAdam(tf, 0.05)
    const plain = tf.train.adam(0.05)
    for (let s = 0; s < 3; s++) {
      const g = tf.tensor(seeded(12, 50 + s), [3, 4])
      fused.applyGradients([{ name: 'moved_a', tensor: g }])
      tf.dispose(g)
    }
    const saved = await fused.getWeights()
    const iterations = saved.filter((w) => w.name === 'iter').map((w) => w.tensor)
    // The plain optimiser trains its own copy of the weights: give it the same values and state under its name.
    b.assign(a)
    await plain.setWeights(saved.map((w) => ({ name: w.name.replace('moved_a', 'moved_b'), tensor: w.tensor })))
    const g = tf.tensor(seeded(12, 99), [3, 4])
    fused.applyGradients([{ name: 'moved_a', tensor: g }])
    plain.applyGradients([{ name: 'moved_b', tensor: g }])
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0])
    expect(diff).toBeLessThan(1e-6)
    tf.dispose([g, a, b, ...iterations])
    fused.dispose()
    plain.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })
})
