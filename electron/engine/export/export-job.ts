import fs from 'node:fs'
import type * as tfType from '@tensorflow/tfjs'
import type { DatasetItem, ExportFormat, ExportRecord } from '../../../common/contract'
import { toAppError } from '../../../common/errors'
import { StrataError } from '../../../common/errors'
import { matchLocale, translate } from '../../../common/i18n'
import { hasLayerFlag } from '../../../common/model/catalog'
import { analyzeModel } from '../../../common/model/infer'
import type { ModelSpec } from '../../../common/model/spec'
import { getDataset } from '../../store/datasets'
import { RUN_SPEC_FILE, exportDir, readRunSpec } from '../../store/run-folder'
import { getRunDetail, runPreprocessing } from '../../store/runs'
import { selectBackend } from '../process/backends'
import { compileModel, withInputShape } from '../train/compile-model'
import type { BatchSource } from '../data/data-source'
import { encodeSplit, openProjectReadOnly } from '../data/prepare-data'
import { exampleShape } from '../../../common/data/encode'
import type { ExportJob, JobEvent } from '../process/protocol'
import { expandProjectSpec } from '../train/pretrained'
import { loadRunModel, runHasModel } from '../train/run-model'
import type { Exporter, HeldOut } from './exporter'
import { exportKeras } from './keras'
import { exportModelCard } from './model-card'
import { exportOnnx } from './onnx-export'
import { exportTfjs } from './tfjs'
import { VERIFY_TOLERANCE } from './verify'
import { exportWebPage } from './web-page'

type Tf = typeof tfType

const EXPORTERS: Record<ExportFormat, Exporter> = {
  tfjs: exportTfjs,
  onnx: exportOnnx,
  keras: exportKeras,
  card: exportModelCard,
  web: exportWebPage
}

const HELD_OUT_EXAMPLES = 64
const CARD_TEST_LIMIT = 5000

/** A spec for inference: augmentation layers (identity outside training) cut out and their neighbours joined. */
export function inferenceSpec(spec: ModelSpec, inputShape: number[]): ModelSpec {
  let edges = spec.edges
  for (const node of spec.nodes.filter((n) => hasLayerFlag(n.type, 'augmentation'))) {
    const source = edges.find((e) => e.target === node.id)?.source
    edges = edges.filter((e) => e.target !== node.id).map((e) => (e.source === node.id && source ? { ...e, source } : e))
  }
  return withInputShape({ ...spec, nodes: spec.nodes.filter((n) => !hasLayerFlag(n.type, 'augmentation')), edges }, inputShape)
}

async function collect(source: BatchSource): Promise<Float32Array> {
  const parts: Float32Array[] = []
  for await (const batch of source.batches(256, null)) parts.push(batch.x.slice())
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

function predict(tf: Tf, model: tfType.LayersModel, x: Float32Array, shape: number[]): Float32Array {
  return tf.tidy(() => Float32Array.from((model.predict(tf.tensor(x, shape), { batchSize: 256 }) as tfType.Tensor).dataSync() as Float32Array))
}

/** Copies trained weights layer by layer (same node ids) from the run's model into the rebuilt inference model. */
function copyWeights(from: tfType.LayersModel, to: tfType.LayersModel): void {
  for (const layer of to.layers) {
    const weights = from.getLayer(layer.name).getWeights()
    if (weights.length) layer.setWeights(weights)
  }
}

/**
 * Runs one export job in the engine process: rebuilds the run's trained model for inference, computes the studio's
 * predictions on held-out examples, then writes and checks each asked format. Never throws; reports through `send`.
 */
export async function runExportJob(job: ExportJob, send: (event: JobEvent) => void): Promise<void> {
  const tf = await import('@tensorflow/tfjs')
  const db = (() => {
    try {
      return openProjectReadOnly(job.projectRoot)
    } catch (err) {
      send({ type: 'failed', error: toAppError(err) })
      return null
    }
  })()
  if (!db) return
  let studio: tfType.LayersModel | null = null
  let model: tfType.LayersModel | null = null
  try {
    await selectBackend('auto', (r) => translate('en', `backends.reasons.${r.key}`, r.params))
    if (!runHasModel(job.runDir)) throw new StrataError('EXPORT_NO_MODEL', { runId: job.runId })
    const preprocessing = runPreprocessing(db, job.runId)
    if (!preprocessing) throw new StrataError('EXPORT_NO_MODEL', { runId: job.runId })
    const run = getRunDetail(db, job.runId)
    const dataset = getDataset(db, run.datasetId)
    // A pretrained base is written out as its own layers, named as in the trained model, so every format covers it.
    const trained = readRunSpec(job.runDir, job.runId)
    if (!trained) throw new StrataError('RUN_DAMAGED', { runId: job.runId, part: RUN_SPEC_FILE })
    const rawSpec = expandProjectSpec(job.projectRoot, trained).spec
    const spec = inferenceSpec(rawSpec, exampleShape(preprocessing))
    studio = await loadRunModel(tf, job.runDir)

    const shapeOne = exampleShape(preprocessing)
    let heldOut: HeldOut | null = null
    for (const split of ['test', 'validation', 'train'] as const) {
      const encoded = await encodeSplit(db, job.projectRoot, run.datasetId, preprocessing, split, { limit: HELD_OUT_EXAMPLES })
      if (!encoded.items.length) continue
      const x = await collect(encoded.source)
      const shape = [encoded.items.length, ...shapeOne]
      heldOut = { split, items: encoded.items, x, shape, expected: predict(tf, studio, x, shape) }
      break
    }
    if (!heldOut) throw new StrataError('DATA_MODEL_MISMATCH', { reason: 'the dataset has no examples left to check the export on' })

    const analysis = analyzeModel(spec)
    let testCache: { items: DatasetItem[]; output: Float32Array } | null = null
    const studioModel = studio
    const base = {
      tf,
      job,
      locale: matchLocale(job.locale),
      spec,
      preprocessing,
      heldOut,
      dataset,
      run,
      inputName: analysis.inputId!,
      outputName: analysis.outputId!,
      testPredictions: async () => {
        if (testCache) return testCache
        const encoded = await encodeSplit(db, job.projectRoot, run.datasetId, preprocessing, 'test', { limit: CARD_TEST_LIMIT })
        const x = await collect(encoded.source)
        testCache = { items: encoded.items, output: encoded.items.length ? predict(tf, studioModel, x, [encoded.items.length, ...shapeOne]) : new Float32Array(0) }
        return testCache
      }
    }

    const records: ExportRecord[] = []
    const total = job.formats.length
    for (const [index, format] of job.formats.entries()) {
      const dir = exportDir(job.runDir, format)
      const progress = (stage: 'writing' | 'verifying' | 'done'): void => send({ type: 'export-progress', format, stage, index, total })
      progress('writing')
      const record: ExportRecord = {
        format,
        status: 'failed',
        maxDiff: null,
        examples: 0,
        tolerance: VERIFY_TOLERANCE,
        checkedWith: null,
        path: dir,
        files: [],
        note: null,
        error: null,
        createdAt: new Date().toISOString()
      }
      try {
        fs.rmSync(dir, { recursive: true, force: true })
        fs.mkdirSync(dir, { recursive: true })
        // Each format gets a freshly rebuilt model, so no exporter can disturb another's.
        model?.dispose()
        model = compileModel(tf, spec)
        copyWeights(studio, model)
        Object.assign(record, await EXPORTERS[format]({ ...base, dir, model }, progress))
      } catch (err) {
        record.error = toAppError(err)
        record.status = 'failed'
      }
      records.push(record)
      progress('done')
    }
    send({ type: 'export-done', records })
  } catch (err) {
    send({ type: 'failed', error: toAppError(err) })
  } finally {
    studio?.dispose()
    model?.dispose()
    db.close()
  }
}
