import type { BackendReport, EmitEvent, Handlers } from '../../common/contract'
import { matchLocale } from '../../common/i18n'
import { ModelService, templateInfos } from './model-service'
import { ProjectService } from './project-service'

/** What the services need from the engine host; the host decides which process runs it. */
export interface EngineApi {
  /** Which training backends work here and why the others do not. */
  backends(refresh: boolean): Promise<BackendReport>
}

/** Everything the services need from the process that hosts them. */
export interface ServiceOptions {
  version: string
  mode: 'electron' | 'browser'
  dataDir: string
  projectsDir: string
  systemLocale: string
  engine: EngineApi
  emit: EmitEvent
  openExternal: (url: string) => Promise<boolean>
}

/** The running services: the contract's handlers plus what hosts need to shut them down. */
export interface Services {
  handlers: Handlers
  projects: ProjectService
  models: ModelService
  dispose(): void
}

/** Builds the services and maps every contract channel to one of them. */
export function createServices(opts: ServiceOptions): Services {
  const projects = new ProjectService(opts)
  const models = new ModelService(projects)
  const handlers: Handlers = {
    'app:info': () => ({
      version: opts.version,
      mode: opts.mode,
      platform: process.platform,
      systemLocale: matchLocale(opts.systemLocale),
      projectsDir: opts.projectsDir
    }),
    'app:open-external': async ({ url }) => ({ opened: await opts.openExternal(url) }),
    'project:create': ({ name, parentDir }) => projects.create(name, parentDir),
    'project:open': ({ path }) => projects.open(path),
    'project:current': () => projects.summary(),
    'project:recent': () => projects.recent(),
    'project:close': () => ({ closed: projects.close() }),
    'engine:backends': ({ refresh }) => opts.engine.backends(refresh ?? false),
    'model:templates': () => templateInfos(),
    'model:create': (req) => models.create(req),
    'model:list': () => models.list(),
    'model:get': ({ id, version }) => models.get(id, version),
    'model:save': ({ id, spec, name }) => models.save(id, spec, name),
    'model:code': ({ id, version, lang }) => ({ code: models.code(id, lang, version) })
  }
  return { handlers, projects, models, dispose: () => projects.close() }
}
