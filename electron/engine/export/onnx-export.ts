import fs from 'node:fs'
import path from 'node:path'
import type { Exporter } from './exporter'
import { layerWeights } from './model-weights'
import { assertOnnxExportable, writeOnnx } from './onnx'
import { writePreprocessing } from './tfjs'
import { maxAbsDiff, predictOnnx, VERIFY_TOLERANCE } from './verify'

/** ONNX (`model.onnx`) plus preprocessing.json; verified by running it in onnxruntime-node on the held-out examples. */
export const exportOnnx: Exporter = async (ctx, progress) => {
  assertOnnxExportable(ctx.spec)
  const file = path.join(ctx.dir, 'model.onnx')
  fs.writeFileSync(file, writeOnnx(ctx.spec, layerWeights(ctx.model, ctx.spec), { producerVersion: ctx.job.version }))
  const files = ['model.onnx', writePreprocessing(ctx, ctx.dir)]
  progress('verifying')
  const actual = await predictOnnx(file, ctx.inputName, ctx.heldOut.x, ctx.heldOut.shape)
  const maxDiff = maxAbsDiff(actual, ctx.heldOut.expected)
  return { status: maxDiff <= VERIFY_TOLERANCE ? 'verified' : 'failed', maxDiff, examples: ctx.heldOut.items.length, checkedWith: 'onnxruntime-node', files, note: null }
}
