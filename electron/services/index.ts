import type { BackendReport, EmitEvent, Handlers } from '../../common/contract'
import { matchLocale } from '../../common/i18n'
import { DatasetService } from './dataset-service'
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
  /** Shows a native folder or file picker (desktop only); resolves to the chosen path or null. */
  pickPath?: (opts: { folder: boolean }) => Promise<string | null>
}

/** The running services: the contract's handlers plus what hosts need to shut them down. */
export interface Services {
  handlers: Handlers
  projects: ProjectService
  datasets: DatasetService
  dispose(): void
}

/** Builds the services and maps every contract channel to one of them. */
export function createServices(opts: ServiceOptions): Services {
  const projects = new ProjectService(opts)
  const datasets = new DatasetService({ project: () => projects.require(), emit: opts.emit })
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
    'dataset:import': (args) => datasets.import(args),
    'dataset:pick-source': async ({ folder }) => ({ path: opts.pickPath ? await opts.pickPath({ folder }) : null }),
    'dataset:cancel-import': ({ importId }) => ({ cancelled: datasets.cancel(importId) }),
    'dataset:upload': async (args) => ({ received: await datasets.upload(args) }),
    'dataset:list': () => datasets.list(),
    'dataset:get': ({ datasetId }) => datasets.get(datasetId),
    'dataset:remove': ({ datasetId }) => ({ removed: datasets.remove(datasetId) }),
    'dataset:items': (args) => datasets.items(args),
    'dataset:thumbnails': ({ datasetId, itemIds }) => datasets.thumbnails(datasetId, itemIds),
    'dataset:update-item': (args) => datasets.updateItem(args),
    'dataset:drop-duplicates': ({ datasetId }) => datasets.dropDuplicates(datasetId),
    'dataset:set-column': (args) => datasets.setColumn(args),
    'dataset:set-target': ({ datasetId, column }) => datasets.setTarget(datasetId, column),
    'dataset:split': (args) => datasets.split(args),
    'dataset:health': ({ datasetId }) => datasets.health(datasetId)
  }
  return {
    handlers,
    projects,
    datasets,
    dispose: () => {
      datasets.dispose()
      projects.close()
    }
  }
}
