import fs from 'node:fs'
import path from 'node:path'
import type * as tfType from '@tensorflow/tfjs'
import type { Metrics } from '../../common/contract'
import { captureCheckpoint, restoreOptimizer, toArrayBuffer, type CheckpointArtifacts } from './checkpoint-artifacts'

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

function writeAtomically(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp`
  fs.writeFileSync(tmp, data)
  fs.renameSync(tmp, file)
}

/**
 * Writes a model (TF.js layers format: model.json + weights.bin), the optimiser's state and the training state into
 * `dir`. Files are written beside and renamed into place, so a crash mid-save leaves the previous checkpoint intact.
 */
export async function saveCheckpoint(tf: Tf, dir: string, model: tfType.LayersModel, optimizer: tfType.Optimizer, state: TrainingState): Promise<void> {
  writeCheckpoint(dir, await captureCheckpoint(tf, model, optimizer, state))
}

/** Writes checkpoint artifacts captured in any engine host into `dir`, in the layout {@link loadModel} reads. */
export function writeCheckpoint(dir: string, artifacts: CheckpointArtifacts): void {
  fs.mkdirSync(dir, { recursive: true })
  writeAtomically(path.join(dir, 'weights.bin'), artifacts.weightData)
  const manifest = {
    format: 'layers-model',
    generatedBy: 'Strata',
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }]
  }
  writeAtomically(path.join(dir, 'model.json'), JSON.stringify(manifest))
  writeAtomically(path.join(dir, 'optimizer.bin'), artifacts.optimizerData)
  writeAtomically(path.join(dir, 'optimizer.json'), JSON.stringify(artifacts.optimizerSpecs))
  writeAtomically(path.join(dir, 'state.json'), JSON.stringify(artifacts.state))
}

/** Reads a checkpoint written by {@link writeCheckpoint} back into memory, to send to an engine host without disk access. */
export function readCheckpoint(dir: string): CheckpointArtifacts {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object
    weightsManifest: Array<{ paths: string[]; weights: tfType.io.WeightsManifestEntry[] }>
  }
  const group = manifest.weightsManifest[0]
  return {
    modelTopology: manifest.modelTopology,
    weightSpecs: group.weights,
    weightData: new Uint8Array(fs.readFileSync(path.join(dir, group.paths[0]))),
    optimizerSpecs: JSON.parse(fs.readFileSync(path.join(dir, 'optimizer.json'), 'utf8')) as tfType.io.WeightsManifestEntry[],
    optimizerData: new Uint8Array(fs.readFileSync(path.join(dir, 'optimizer.bin'))),
    state: JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as TrainingState
  }
}

/** Loads a model saved by {@link saveCheckpoint} (or any TF.js layers model.json with one weights file). */
export async function loadModel(tf: Tf, dir: string): Promise<tfType.LayersModel> {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object
    weightsManifest: Array<{ paths: string[]; weights: tfType.io.WeightsManifestEntry[] }>
  }
  const group = manifest.weightsManifest[0]
  const weightData = toArrayBuffer(fs.readFileSync(path.join(dir, group.paths[0])))
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs: group.weights, weightData }))
}

/** Restores the optimiser's state and reads the training state of a checkpoint. */
export function loadTrainingState(tf: Tf, dir: string, optimizer: tfType.Optimizer): Promise<TrainingState> {
  return restoreOptimizer(tf, readCheckpoint(dir), optimizer)
}

/** True when `dir` holds a complete checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return ['model.json', 'weights.bin', 'optimizer.json', 'optimizer.bin', 'state.json'].every((f) => fs.existsSync(path.join(dir, f)))
}
