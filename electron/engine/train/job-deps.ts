import { StrataError } from '../../../common/errors'
import { ModelSpecSchema, type ModelSpec } from '../../../common/model/spec'
import type { TrainingData } from '../data/data-source'
import { augmentationLayers, compileModel } from './compile-model'
import { frozenBaseFeatures, splitAtFrozenBase } from '../data/feature-cache'
import { expandProjectSpec, projectBases, releaseBases } from './pretrained'
import { prepareTrainingData } from '../data/prepare-data'
import type { JobDeps } from './training-job'
import { withSeed } from './seeded-random'

/** The real data pipeline and model compiler of training jobs. */
export const JOB_DEPS: JobDeps = {
  loadData: async (tf, job) => {
    // Checkpoints of models with Strata's augmentation layers can only be read once those are registered.
    augmentationLayers(tf)
    return prepareTrainingData(job.projectRoot, job.datasetId, ModelSpecSchema.parse(job.spec), job.config)
  },
  buildModel: (tf, job, data) => buildModelFor(tf, ModelSpecSchema.parse(job.spec), data, job.projectRoot, job.config.seed),
  trainingView: async (tf, job, model, data) => {
    const split = splitAtFrozenBase(tf, model, expandProjectSpec(job.projectRoot, ModelSpecSchema.parse(job.spec)))
    if (!split) return null
    const features = await frozenBaseFeatures(tf, split, data, job.config)
    return { model: split.head, data: features.data, warning: { key: features.mode === 'cached' ? 'featuresCached' : 'featuresPerBatch', params: { items: features.baseForwardItems() } } }
  }
}

/**
 * Compiles a spec for a dataset, its initial weights drawn from the run's seed, and checks its outputs fit the task;
 * throws DATA_MODEL_MISMATCH in plain words when not.
 */
export async function buildModelFor(tf: Parameters<JobDeps['buildModel']>[0], spec: ModelSpec, data: TrainingData, projectRoot: string, seed: number): ReturnType<JobDeps['buildModel']> {
  const bases = await projectBases(tf, projectRoot, spec, true)
  let model: Awaited<ReturnType<JobDeps['buildModel']>>
  try {
    model = withSeed(seed, 0, () => compileModel(tf, spec, { inputShape: data.inputShape, bases }))
  } finally {
    releaseBases(bases)
  }
  const outputs = model.outputs[0].shape[model.outputs[0].shape.length - 1]
  if (outputs !== data.targetSize) {
    model.dispose()
    throw new StrataError('DATA_MODEL_MISMATCH', {
      reason: `the model's last layer gives ${outputs} outputs but this dataset needs ${data.targetSize} (${data.task}); set the last Dense layer's units to ${data.targetSize}, or start from a template fitted to this dataset`
    })
  }
  return model
}
