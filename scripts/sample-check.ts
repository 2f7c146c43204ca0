import { StrataError } from '../common/errors'
import { selectBackend } from '../electron/engine/process/backends'
import { encodeSplit, openProjectReadOnly } from '../electron/engine/data/prepare-data'
import type { Preprocessing } from '../common/data/preprocessing'
import { loadRunModel } from '../electron/engine/train/run-model'
import { evaluateSplit } from '../electron/engine/train/trainer'
import { runDir } from '../electron/store/run-folder'

/** How a trained run did on its test split: accuracy and the share of its majority class (classification tasks). */
export async function testAccuracy(projectRoot: string, runId: number, datasetId: string, preprocessing: Preprocessing): Promise<{ accuracy: number; majority: number; items: number }> {
  const tf = await import('@tensorflow/tfjs')
  await selectBackend('auto', (r) => r.key)
  const db = openProjectReadOnly(projectRoot)
  const model = await loadRunModel(tf, runDir(projectRoot, runId))
  try {
    const split = await encodeSplit(db, projectRoot, datasetId, preprocessing, 'test')
    if (!split.items.length) throw new StrataError('DATA_MODEL_MISMATCH', { reason: 'the test split is empty' })
    const shape = preprocessing.kind === 'images' ? [preprocessing.height, preprocessing.width, preprocessing.channels] : undefined
    const width = preprocessing.task === 'classification' && preprocessing.classes ? preprocessing.classes.length : 1
    const data = { task: preprocessing.task, inputShape: shape ?? [model.inputs[0].shape[1] as number], targetSize: width, train: split.source, validation: null }
    const metrics = await evaluateSplit(tf, model, data, split.source, 256)
    const counts = new Map<string, number>()
    for (const item of split.items) counts.set(item.label ?? '', (counts.get(item.label ?? '') ?? 0) + 1)
    return { accuracy: metrics.acc ?? 0, majority: Math.max(...counts.values()) / split.items.length, items: split.items.length }
  } finally {
    model.dispose()
    db.close()
  }
}

/** The weight and bias of a run's single-unit linear model (the "learn a line" sample). */
export async function lineWeights(projectRoot: string, runId: number): Promise<{ w: number; b: number }> {
  const tf = await import('@tensorflow/tfjs')
  await selectBackend('auto', (r) => r.key)
  const model = await loadRunModel(tf, runDir(projectRoot, runId))
  try {
    const weights = model.getWeights()
    if (weights.length !== 2 || weights[0].size !== 1) throw new StrataError('DATA_MODEL_MISMATCH', { reason: 'this is not a single-unit linear model' })
    return { w: weights[0].dataSync()[0], b: weights[1].dataSync()[0] }
  } finally {
    model.dispose()
  }
}
