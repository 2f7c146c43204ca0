import fs from 'node:fs'
import path from 'node:path'
import type * as tfType from '@tensorflow/tfjs'
import { StrataError } from '../../../common/errors'
import { hasCheckpoint, loadModel } from './checkpoint'
import { augmentationLayers } from './compile-model'
import type { CheckpointKind } from '../../../common/contract'
import type { Preprocessing } from '../../../common/data/preprocessing'
import type { Prediction } from '../../../common/contract'
import { decodeOutputs, exampleShape } from '../../../common/data/encode'
import { encodeExamples, type RawExample } from '../data/prepare-data'
import { CHECKPOINT_PREFERENCE, checkpointDir } from '../../store/run-folder'

type Tf = typeof tfType

/** Which checkpoint a finished run is judged and exported with: its best one when it has one, else its last. */
export function runCheckpointKind(runDir: string): CheckpointKind {
  const kind = CHECKPOINT_PREFERENCE.find((k) => hasCheckpoint(checkpointDir(runDir, k)))
  if (!kind) throw new StrataError('RUN_NOT_RESUMABLE', { runId: path.basename(runDir), reason: 'it has no checkpoint yet (it did not finish an epoch).' })
  return kind
}

/** The folder of the checkpoint a finished run is judged and exported with (see {@link runCheckpointKind}). */
export function runCheckpoint(runDir: string): string {
  return checkpointDir(runDir, runCheckpointKind(runDir))
}

/** Loads the trained model of a run (best checkpoint, else last). The caller disposes it. */
export async function loadRunModel(tf: Tf, runDir: string): Promise<tfType.LayersModel> {
  // Models that use Strata's augmentation layers can only be read once those are registered.
  augmentationLayers(tf)
  return loadModel(tf, runCheckpoint(runDir))
}

/** Runs a model on raw examples with the run's saved preprocessing; leaves no tensors behind. */
export async function predictExamples(tf: Tf, model: tfType.LayersModel, preprocessing: Preprocessing, examples: RawExample[]): Promise<Prediction[]> {
  const x = await encodeExamples(preprocessing, examples)
  const output = tf.tidy(() => (model.predict(tf.tensor(x, [examples.length, ...exampleShape(preprocessing)])) as tfType.Tensor).dataSync())
  return decodeOutputs(preprocessing, output as Float32Array, examples.length)
}

/** True when a run folder exists and holds a usable checkpoint. */
export function runHasModel(runDir: string): boolean {
  return fs.existsSync(runDir) && CHECKPOINT_PREFERENCE.some((kind) => hasCheckpoint(checkpointDir(runDir, kind)))
}
