import fs from 'node:fs'
import path from 'node:path'
import type * as tfType from '@tensorflow/tfjs'

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
}

function writeAtomically(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp`
  fs.writeFileSync(tmp, data)
  fs.renameSync(tmp, file)
}

function concatWeightData(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
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

/**
 * Writes a model (TF.js layers format: model.json + weights.bin), the optimiser's state and the training state into
 * `dir`. Files are written beside and renamed into place, so a crash mid-save leaves the previous checkpoint intact.
 */
export async function saveCheckpoint(tf: Tf, dir: string, model: tfType.LayersModel, optimizer: tfType.Optimizer, state: TrainingState): Promise<void> {
  fs.mkdirSync(dir, { recursive: true })
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      writeAtomically(path.join(dir, 'weights.bin'), concatWeightData(artifacts.weightData ?? new ArrayBuffer(0)))
      const manifest = {
        format: 'layers-model',
        generatedBy: 'Strata',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }]
      }
      writeAtomically(path.join(dir, 'model.json'), JSON.stringify(manifest))
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    })
  )
  const optimizerWeights = await optimizer.getWeights()
  const encoded = await tf.io.encodeWeights(optimizerWeights)
  writeAtomically(path.join(dir, 'optimizer.bin'), concatWeightData(encoded.data))
  writeAtomically(path.join(dir, 'optimizer.json'), JSON.stringify(encoded.specs))
  writeAtomically(path.join(dir, 'state.json'), JSON.stringify(state))
}

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer
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
export async function loadTrainingState(tf: Tf, dir: string, optimizer: tfType.Optimizer): Promise<TrainingState> {
  const specs = JSON.parse(fs.readFileSync(path.join(dir, 'optimizer.json'), 'utf8')) as tfType.io.WeightsManifestEntry[]
  const data = toArrayBuffer(fs.readFileSync(path.join(dir, 'optimizer.bin')))
  const named = tf.io.decodeWeights(data, specs)
  await optimizer.setWeights(specs.map((s) => ({ name: s.name, tensor: named[s.name] })))
  // setWeights copies the values into new variables; the decoded tensors are ours to free.
  tf.dispose(Object.values(named))
  return JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as TrainingState
}

/** True when `dir` holds a complete checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return ['model.json', 'weights.bin', 'optimizer.json', 'optimizer.bin', 'state.json'].every((f) => fs.existsSync(path.join(dir, f)))
}
