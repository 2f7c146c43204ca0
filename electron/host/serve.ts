import path from 'node:path'
import type { EmitEvent } from '../../common/contract'
import { EngineClient, forkEngine } from '../engine/process/engine-client'
import { createServices, type Services } from '../services'
import type { PathPolicy } from '../services/path-access'
import { defaultPaths, systemLocale, type StrataPaths } from '../services/paths'
import { openInBrowser } from './open-url'
import { startHost, type RunningHost } from './server'
import { version } from '../../package.json'

/**
 * The services as a plain Node process runs them (headless host, CLI), with engine processes started by fork.
 * `pathPolicy`: `chosen` for the studio's page, `any` for the command line (see PathPolicy).
 */
export function createNodeServices(opts: { buildDir: string; paths?: StrataPaths; emit: EmitEvent; pathPolicy: PathPolicy; allowDirs?: readonly string[] }): Services & { engine: EngineClient } {
  const engineEntry = path.join(opts.buildDir, 'main', 'engine.js')
  const engine = new EngineClient(() => forkEngine(engineEntry))
  const services = createServices({
    version,
    mode: 'browser',
    ...(opts.paths ?? defaultPaths()),
    resourcesDir: path.join(opts.buildDir, '..', 'resources'),
    systemLocale: systemLocale(),
    engine,
    launchEngine: () => forkEngine(engineEntry),
    emit: opts.emit,
    openExternal: openInBrowser,
    pathPolicy: opts.pathPolicy,
    allowDirs: opts.allowDirs
  })
  return {
    ...services,
    engine,
    dispose: () => {
      services.dispose()
      engine.dispose()
    }
  }
}

/**
 * Keeps this process serving through an error nothing caught (a throw in a callback, a rejected promise nobody
 * awaited): it is logged on the host's own output and the studio goes on, so one fault never ends a training run
 * that an engine process is running for it. Returns the function that stops catching them.
 */
export function keepServingThroughErrors(log: (text: string, err: unknown) => void = console.error): () => void {
  const onError = (err: unknown): void => log('strata: an unexpected error was caught; the studio keeps running:', err)
  process.on('uncaughtException', onError)
  process.on('unhandledRejection', onError)
  return () => {
    process.off('uncaughtException', onError)
    process.off('unhandledRejection', onError)
  }
}

/** The headless studio: services, an engine process and the HTTP/WebSocket host, wired together. */
export async function serveStudio(opts: { port?: number; host?: string; paths?: StrataPaths; buildDir: string; allowDirs?: readonly string[] }): Promise<RunningHost & { stop(): Promise<void> }> {
  const stopCatching = keepServingThroughErrors()
  let emit: EmitEvent = () => undefined
  const services = createNodeServices({
    buildDir: opts.buildDir,
    paths: opts.paths,
    emit: (event, payload) => emit(event, payload),
    pathPolicy: 'chosen',
    allowDirs: opts.allowDirs
  })
  const host = await startHost({
    handlers: services.handlers,
    rendererDir: path.join(opts.buildDir, 'renderer'),
    host: opts.host,
    port: opts.port
  })
  emit = host.emit
  return {
    ...host,
    stop: async () => {
      await host.close()
      services.dispose()
      stopCatching()
    }
  }
}
