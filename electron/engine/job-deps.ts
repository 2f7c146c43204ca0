import { StrataError } from '../../common/errors'
import type { JobDeps } from './training-job'

/** The real data loader and model compiler of training jobs. */
export const JOB_DEPS: JobDeps = {
  loadData: async () => {
    throw new StrataError('ENGINE_UNAVAILABLE', { reason: 'the data pipeline is not wired yet' })
  },
  buildModel: () => {
    throw new StrataError('ENGINE_UNAVAILABLE', { reason: 'the model compiler is not wired yet' })
  }
}
