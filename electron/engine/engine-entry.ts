import { runEngineProcess } from './engine-process'

runEngineProcess()
