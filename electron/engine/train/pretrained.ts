import fs from 'node:fs'
import path from 'node:path'
import type * as tfType from '@tensorflow/tfjs'
import { baseIdsOf, expandBases, usesBase, type ExpandedSpec } from '../../../common/model/bases'
import type { ModelSpec } from '../../../common/model/spec'
import { baseDir, basesById } from '../../store/bases'
import type { CompileOptions } from './compile-model'

type Tf = typeof tfType

/** Loads an imported base's TF.js layers model from the project. The caller disposes it. */
export async function loadBaseModel(tf: Tf, projectRoot: string, id: string): Promise<tfType.LayersModel> {
  const dir = baseDir(projectRoot, id)
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object
    weightsManifest: Array<{ weights: tfType.io.WeightsManifestEntry[] }>
  }
  const bytes = fs.readFileSync(path.join(dir, 'weights.bin'))
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs: manifest.weightsManifest[0].weights, weightData }))
}

/**
 * The project's bases a spec names, for {@link CompileOptions.bases}; with `weights` their models are loaded too
 * (a new run starts from them). Call {@link releaseBases} when the model is built.
 */
export async function projectBases(tf: Tf, projectRoot: string, spec: ModelSpec, weights: boolean): Promise<NonNullable<CompileOptions['bases']>> {
  if (!usesBase(spec)) return {}
  const infos = basesById(projectRoot, baseIdsOf(spec))
  const out: NonNullable<CompileOptions['bases']> = {}
  for (const [id, info] of Object.entries(infos)) out[id] = { info, model: weights ? await loadBaseModel(tf, projectRoot, id) : undefined }
  return out
}

/** Frees the base models {@link projectBases} loaded. */
export function releaseBases(bases: NonNullable<CompileOptions['bases']>): void {
  for (const b of Object.values(bases)) b.model?.dispose()
}

/** A spec with the project's bases written out as plain layers (named as the trained model's layers are). */
export function expandProjectSpec(projectRoot: string, spec: ModelSpec): ExpandedSpec {
  if (!usesBase(spec)) return { spec, frozen: [], origins: {}, outputs: {} }
  return expandBases(spec, basesById(projectRoot, baseIdsOf(spec)))
}
