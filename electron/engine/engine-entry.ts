import { runEngineProcess } from './engine-process'
import { JOB_DEPS } from './job-deps'

runEngineProcess(JOB_DEPS)
