import { translate } from '../../../common/i18n'
import { ModelSpecSchema } from '../../../common/model/spec'
import { selectBackend } from '../process/backends'
import { augmentationLayers, compileModel } from '../train/compile-model'
import type { EnginePort } from '../process/protocol'
import { EngineSession } from '../process/engine-session'
import { timeSteps, type CpuReference, type CpuReferenceJob } from './calibration'

/**
 * Times a few training steps of a job's model on its first batch in the CPU engine, on the backend a CPU run would
 * use: the speed a GPU must beat. Runs in the engine process (it loads TensorFlow.js).
 */
export async function measureCpuReference(job: CpuReferenceJob): Promise<CpuReference> {
  const tf = await import('@tensorflow/tfjs')
  const choice = await selectBackend(job.config.backend, (r) => translate('en', `backends.reasons.${r.key}`, r.params))
  augmentationLayers(tf)
  const model = compileModel(tf, ModelSpecSchema.parse(job.spec), { inputShape: job.shape.inputShape })
  const { samplesPerSecond } = await timeSteps(tf, model, job.config, job.shape, job.batch)
  return { backend: choice.backend, samplesPerSecond }
}

/** Measures CPU references in a CPU engine started for the purpose and ended after its answer. */
export function cpuReferenceFrom(launchCpu: () => EnginePort): (job: CpuReferenceJob) => Promise<CpuReference> {
  return async (job) => {
    const session = new EngineSession(launchCpu())
    try {
      return await session.request<CpuReference>({ type: 'cpu-reference', job })
    } finally {
      session.kill()
    }
  }
}
