import type * as tfType from '@tensorflow/tfjs'
import type { Metrics } from '../../../common/contract'

type Tf = typeof tfType

/** What a checkpoint remembers besides the weights, so a resumed run continues exactly where it stopped. */
export interface TrainingState {
  /** The last epoch fully trained (1-based). */
  epoch: number
  step: number
  learningRate: number
  bestValue: number | null
  bestEpoch: number
  epochsWithoutImprovement: number
  epochsWithoutLrImprovement: number
  /**
   * Every epoch trained so far with its metrics: the checkpoint carries its own history rows, so a run's record can
   * be completed from it when the host died before recording the last epochs (older checkpoints have none).
   */
  history?: Array<{ epoch: number; metrics: Metrics; learningRate: number; seconds: number }>
}

/**
 * Everything a checkpoint holds, in memory and free of any file system: what an engine host without disk access
 * (the GPU engine's Worker) sends to be written, and what it is sent to resume. Typed arrays and JSON only.
 */
export interface CheckpointArtifacts {
  /** The TF.js layers topology (`model.toJSON`'s object). */
  modelTopology: object
  weightSpecs: tfType.io.WeightsManifestEntry[]
  /** All weights, concatenated in `weightSpecs` order. */
  weightData: Uint8Array
  optimizerSpecs: tfType.io.WeightsManifestEntry[]
  optimizerData: Uint8Array
  state: TrainingState
}

/** Concatenates TF.js weight buffers into one byte array. */
export function concatWeightData(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  const parts = Array.isArray(data) ? data : [data]
  const total = parts.reduce((n, p) => n + p.byteLength, 0)
  const out = new Uint8Array(total)
  let offset = 0
  for (const p of parts) {
    out.set(new Uint8Array(p), offset)
    offset += p.byteLength
  }
  return out
}

/** A standalone ArrayBuffer holding exactly the bytes of `bytes`. */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}

/** Captures a model's weights, its optimiser's state and the training state through a custom `model.save` handler. */
export async function captureCheckpoint(tf: Tf, model: tfType.LayersModel, optimizer: tfType.Optimizer, state: TrainingState): Promise<CheckpointArtifacts> {
  let saved: tfType.io.ModelArtifacts | null = null
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    })
  )
  const artifacts = saved as unknown as tfType.io.ModelArtifacts
  const optimizerWeights = await optimizer.getWeights()
  const encoded = await tf.io.encodeWeights(optimizerWeights)
  // getWeights makes a fresh scalar for the iteration count each call; the rest are the optimiser's own variables.
  optimizerWeights.find((w) => w.name === 'iter')?.tensor.dispose()
  return {
    modelTopology: artifacts.modelTopology as object,
    weightSpecs: artifacts.weightSpecs ?? [],
    weightData: concatWeightData(artifacts.weightData ?? new ArrayBuffer(0)),
    optimizerSpecs: encoded.specs,
    optimizerData: concatWeightData(encoded.data),
    state: { ...state }
  }
}

/** Rebuilds the model of a checkpoint (custom layers must already be registered). */
export function modelFromArtifacts(tf: Tf, artifacts: CheckpointArtifacts): Promise<tfType.LayersModel> {
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightSpecs, weightData: toArrayBuffer(artifacts.weightData) })
  )
}

/** Restores an optimiser's state from a checkpoint and returns its training state. */
export async function restoreOptimizer(tf: Tf, artifacts: CheckpointArtifacts, optimizer: tfType.Optimizer): Promise<TrainingState> {
  const named = tf.io.decodeWeights(toArrayBuffer(artifacts.optimizerData), artifacts.optimizerSpecs)
  await optimizer.setWeights(artifacts.optimizerSpecs.map((s) => ({ name: s.name, tensor: named[s.name] })))
  // setWeights copies the values into new variables; the decoded tensors are ours to free.
  tf.dispose(Object.values(named))
  return { ...artifacts.state }
}
