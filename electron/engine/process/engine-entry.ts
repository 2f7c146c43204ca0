import { runEngineProcess } from './engine-process'
import { JOB_DEPS } from '../train/job-deps'

runEngineProcess(JOB_DEPS)
