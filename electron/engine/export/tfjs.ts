import fs from 'node:fs'
import path from 'node:path'
import type * as tfType from '@tensorflow/tfjs'
import { loadModel } from '../train/checkpoint'
import { targetWidth } from '../../../common/data/encode'
import type { ExportContext, Exporter } from './exporter'
import { maxAbsDiff, VERIFY_TOLERANCE } from './verify'

type Tf = typeof tfType

/** The format tag of `preprocessing.json`. */
export const PREPROCESSING_FORMAT = 'strata.preprocessing/1'

/** Writes a model in the TF.js layers format: `model.json` and one `weights.bin`. Returns the file names. */
export async function writeLayersModel(tf: Tf, model: tfType.LayersModel, dir: string, generatedBy: string): Promise<string[]> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const parts = artifacts.weightData === undefined ? [] : Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData]
      fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.concat(parts.map((p) => Buffer.from(p))))
      const manifest = {
        format: 'layers-model',
        generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }]
      }
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(manifest))
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    })
  )
  return ['model.json', 'weights.bin']
}

/**
 * `preprocessing.json`: everything needed to turn raw inputs into model inputs and outputs back into answers exactly
 * as the studio does: input size and scale, column statistics and encodings, class names, vocabulary.
 */
export function preprocessingManifest(ctx: ExportContext): object {
  const p = ctx.preprocessing
  return {
    format: PREPROCESSING_FORMAT,
    generatedBy: `Strata ${ctx.job.version}`,
    run: ctx.job.runId,
    input: { name: ctx.inputName, shape: [null, ...ctx.heldOut.shape.slice(1)], dtype: 'float32' },
    output: {
      name: ctx.outputName,
      width: targetWidth(p),
      task: p.task,
      classes: p.task === 'regression' ? null : (p.classes ?? null),
      meaning:
        p.task === 'classification'
          ? 'one probability per class, in the order of "classes"'
          : p.task === 'binary'
            ? 'the probability of the second class in "classes"'
            : 'the standardised value: multiply by targetStd and add targetMean (table data) for real units'
    },
    steps:
      p.kind === 'images'
        ? [`decode the image as RGB, resize it to ${p.width}×${p.height} (stretching)`, p.channels === 1 ? 'convert to grey: round(0.299 R + 0.587 G + 0.114 B)' : 'keep the 3 colour channels', `multiply every pixel value (0-255) by ${p.scale}`, 'layout [height, width, channels]']
        : p.kind === 'table'
          ? ['for each feature in order: numbers → (value − mean) / std (missing → 0); flags → 1 when the lower-cased cell is one of "truthy", else 0; categories → one-hot over "categories" (unknown → all 0)']
          : ['lower-case the text and split it into words (letters, digits and apostrophes; CJK characters one by one)', 'each word → its position in "vocabulary" + 2; unknown words → 1', `pad with 0 or cut to ${p.sequenceLength} tokens`],
    preprocessing: p
  }
}

/** Writes `preprocessing.json` into a folder; returns its name. */
export function writePreprocessing(ctx: ExportContext, dir: string): string {
  fs.writeFileSync(path.join(dir, 'preprocessing.json'), JSON.stringify(preprocessingManifest(ctx), null, 2))
  return 'preprocessing.json'
}

/** Predictions of a TF.js layers model folder on the held-out inputs. */
export async function predictLayersFolder(tf: Tf, dir: string, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const model = await loadModel(tf, dir)
  try {
    return tf.tidy(() => Float32Array.from((model.predict(tf.tensor(x, shape)) as tfType.Tensor).dataSync() as Float32Array))
  } finally {
    model.dispose()
  }
}

/** TF.js layers format plus preprocessing.json; verified by re-loading it in TF.js and predicting the held-out examples. */
export const exportTfjs: Exporter = async (ctx, progress) => {
  const files = [...(await writeLayersModel(ctx.tf, ctx.model, ctx.dir, `Strata ${ctx.job.version}`)), writePreprocessing(ctx, ctx.dir)]
  progress('verifying')
  const actual = await predictLayersFolder(ctx.tf, ctx.dir, ctx.heldOut.x, ctx.heldOut.shape)
  const maxDiff = maxAbsDiff(actual, ctx.heldOut.expected)
  return { status: maxDiff <= VERIFY_TOLERANCE ? 'verified' : 'failed', maxDiff, examples: ctx.heldOut.items.length, checkedWith: 'TF.js', files, note: null }
}
