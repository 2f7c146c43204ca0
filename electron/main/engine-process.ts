import path from 'node:path'
import { utilityProcess } from 'electron'
import type { EnginePort, EngineReply } from '../engine/process/protocol'

/** Starts the engine process as an Electron utility process, so training never blocks the main process. */
export function launchUtilityEngine(outDir: string): EnginePort {
  const child = utilityProcess.fork(path.join(outDir, 'main', 'engine.js'), [], { serviceName: 'Strata engine', stdio: 'inherit' })
  return {
    postMessage: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', (m: unknown) => listener(m as EngineReply)),
    onExit: (listener) => child.on('exit', (code) => listener(code)),
    kill: () => void child.kill(),
    pid: child.pid
  }
}
