import path from 'node:path'
import { dispatch, type ChannelName, type EmitEvent } from '../../common/contract'
import { forkEngine } from '../engine/process/engine-client'
import { createServices, type ServiceOptions, type Services } from './index'

/** The repository's shipped resources and built engine, as tests use them. */
export const REPO_ROOT = path.resolve(__dirname, '../..')
/** The built engine process entry (`npm run build` first). */
export const BUILT_ENGINE = path.join(REPO_ROOT, 'out', 'main', 'engine.js')

/**
 * Real services rooted in a temporary folder, for tests: training forks the built engine process; the backend
 * report is a fixed cpu-only one unless a test passes its own options. Paths are taken as given (the command line's
 * policy) unless a test asks for `pathPolicy: 'chosen'`.
 */
export function testServices(dir: string, emit: EmitEvent, overrides: Partial<ServiceOptions> = {}): Services {
  return createServices({
    version: 'test',
    mode: 'browser',
    dataDir: path.join(dir, 'data'),
    projectsDir: path.join(dir, 'projects'),
    resourcesDir: path.join(REPO_ROOT, 'resources'),
    systemLocale: 'en',
    engine: { backends: async () => ({ backends: [], chosen: 'cpu', checkedAt: '' }) },
    launchEngine: () => forkEngine(BUILT_ENGINE),
    emit,
    openExternal: async () => false,
    pathPolicy: 'any',
    ...overrides
  })
}

/**
 * Calls a channel through the real contract dispatch, as an adapter would; resolves to its value or throws an
 * Error carrying the coded error's fields (`code`, `message`, `params`).
 */
export async function callChannel<T = unknown>(services: Services, channel: ChannelName, payload: unknown): Promise<T> {
  const result = await dispatch(services.handlers, channel, payload, undefined)
  if (!result.ok) throw Object.assign(new Error(`${channel}: ${result.error.code} ${result.error.message}`), result.error)
  return result.value as T
}
