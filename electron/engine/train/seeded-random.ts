import { seededRandom } from '../../../common/random'

/**
 * A run's randomness from its seed. TF.js draws its weight initialisers, dropout masks and random ops (and Strata's
 * augmentation layers their flips, angles and zooms) from `Math.random` whenever it is given no seed of its own, so a
 * run that puts a seeded sequence in its place makes every one of them follow the run's seed: the same seed on the
 * same backend gives the same weights and the same loss curve. Each use takes its own stream of the seed
 * (0: building the model; epoch n: the draws of epoch n, so a resumed run draws what an uninterrupted one would).
 */

/** The seed of one stream of a run's seed. */
export function streamSeed(seed: number, stream: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0
}

/** Makes `Math.random` follow one stream of a seed; returns the function that puts the previous one back. */
export function seedMathRandom(seed: number, stream: number): () => void {
  const previous = Math.random
  Math.random = seededRandom(streamSeed(seed, stream))
  return () => {
    Math.random = previous
  }
}

/** Runs `work` (synchronous: nothing else may draw meanwhile) with `Math.random` following one stream of a seed. */
export function withSeed<T>(seed: number, stream: number, work: () => T): T {
  const restore = seedMathRandom(seed, stream)
  try {
    return work()
  } finally {
    restore()
  }
}
