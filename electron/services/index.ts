import path from 'node:path'
import type { BackendReport, EmitEvent, Handlers } from '../../common/contract'
import { matchLocale } from '../../common/i18n'
import type { EnginePort } from '../engine/process/protocol'
import { getDataset } from '../store/datasets'
import { ModelStore } from '../store/model-store'
import { sweepOrphans } from '../store/project-sweep'
import { ModelSpecSchema } from '../../common/model/spec'
import { checkModelFitsDataset } from './dataset-fit'
import { DatasetService, uploadsRoot } from './dataset-service'
import { ExportService } from './export-service'
import { ModelService, templateInfos } from './model-service'
import { augmentationPreview } from './augmentation-preview'
import { EvaluationService } from './evaluation-service'
import { ExperimentService } from './experiment-service'
import { PathAccess, type PathPolicy } from './path-access'
import { ProjectService } from './project-service'
import { SampleService } from './sample-service'
import { TrainingService, type TrainingLookups } from './training-service'

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
  /** The app's shipped resources (sample data). */
  resourcesDir: string
  systemLocale: string
  engine: EngineApi
  /** Starts a fresh engine process for one training job. */
  launchEngine: () => EnginePort
  emit: EmitEvent
  openExternal: (url: string) => Promise<boolean>
  /** Shows a native folder or file picker (desktop only); resolves to the chosen path or null. */
  pickPath?: (opts: { folder: boolean }) => Promise<string | null>
  /**
   * Which server-side paths clients may name: `chosen` (the studio's page: the projects folder, uploads, `allowDirs`
   * and native-dialog picks, see PathAccess) or `any` (the command line, whose user typed them).
   */
  pathPolicy: PathPolicy
  /** Folders the user allowed when the studio started (`strata serve --allow-dir DIR`). */
  allowDirs?: readonly string[]
}

/** The running services: the contract's handlers plus what hosts need to shut them down. */
export interface Services {
  handlers: Handlers
  projects: ProjectService
  training: TrainingService
  datasets: DatasetService
  models: ModelService
  samples: SampleService
  evaluation: EvaluationService
  experiments: ExperimentService
  exports: ExportService
  dispose(): void
}

const TRAINING_LOOKUPS: TrainingLookups = {
  modelSpec: (db, modelId) => new ModelStore(db).get(modelId).spec,
  checkDataset: (db, datasetId) => void getDataset(db, datasetId),
  checkModel: (db, datasetId, spec) => checkModelFitsDataset(db, datasetId, ModelSpecSchema.parse(spec))
}

/** Builds the services and maps every contract channel to one of them. */
export function createServices(opts: ServiceOptions): Services {
  const projects = new ProjectService({
    ...opts,
    onOpen: (project) => {
      training.recoverInterrupted(project)
      // What a killed import left behind goes now; never while an import of this process still runs.
      if (datasets.idle) sweepOrphans(project)
    }
  })
  const access = new PathAccess({
    policy: opts.pathPolicy,
    projectsDir: opts.projectsDir,
    allowDirs: opts.allowDirs,
    extraRoots: () => {
      const open = projects.summary()
      return open ? [uploadsRoot(open.path)] : []
    },
    knownProjects: () => projects.recent().map((r) => r.path)
  })
  // What the user picks in a native dialog is theirs to use: it joins the allowed places.
  const pickPath = opts.pickPath
    ? async (how: { folder: boolean }): Promise<string | null> => {
        const picked = await opts.pickPath!(how)
        if (picked) access.allowPicked(picked)
        return picked
      }
    : undefined
  const training: TrainingService = new TrainingService({ projects, launchEngine: opts.launchEngine, emit: opts.emit, lookups: TRAINING_LOOKUPS })
  const datasets = new DatasetService({ project: () => projects.require(), emit: opts.emit, liveRunOn: (root, datasetId) => training.liveRunOn(root, datasetId) })
  const models = new ModelService(projects, { cacheDir: path.join(opts.dataDir, 'cache', 'bases'), emit: opts.emit })
  const samples = new SampleService({ projectsDir: opts.projectsDir, resourcesDir: opts.resourcesDir, projects, datasets, models, emit: opts.emit })
  const exports = new ExportService({ projects, launchEngine: opts.launchEngine, emit: opts.emit, version: opts.version, locale: matchLocale(opts.systemLocale), pickPath })
  const evaluation = new EvaluationService({ project: () => projects.require(), launchEngine: opts.launchEngine, emit: opts.emit, datasets })
  const experiments = new ExperimentService({ project: () => projects.require(), isTraining: (runId) => training.isActive(runId) })
  const handlers: Handlers = {
    'app:info': () => ({
      version: opts.version,
      mode: opts.mode,
      platform: process.platform,
      systemLocale: matchLocale(opts.systemLocale),
      projectsDir: opts.projectsDir
    }),
    'app:open-external': async ({ url }) => ({ opened: await opts.openExternal(url) }),
    // Every path a client names passes PathAccess first; services get the real path it checked.
    'project:create': ({ name, parentDir }) => projects.create(name, parentDir === undefined ? undefined : access.resolve(parentDir)),
    'project:open': ({ path }) => projects.open(access.projectFolder(path)),
    'project:pick': async () => {
      const picked = pickPath ? await pickPath({ folder: true }) : null
      return { path: picked }
    },
    'project:current': () => projects.summary(),
    'project:recent': () => projects.recent(),
    'project:close': () => ({ closed: projects.close() }),
    'project:set-training-defaults': ({ changes }) => projects.setTrainingDefaults(changes),
    'engine:backends': ({ refresh }) => opts.engine.backends(refresh ?? false),
    'training:start': ({ datasetId, modelId, config }) => training.start(datasetId, modelId, config),
    'training:pause': ({ runId }) => training.pause(runId),
    'training:resume': ({ runId }) => training.resume(runId),
    'training:stop': ({ runId }) => training.stop(runId),
    'training:runs': () => training.runs(),
    'training:run': ({ runId }) => training.run(runId),
    'training:augmentation-preview': async ({ datasetId, augmentation, count, seed }) => ({
      images: await augmentationPreview(projects.require(), datasetId, augmentation, count, seed)
    }),
    'dataset:import': (args) => datasets.import(args.path === undefined ? args : { ...args, path: access.resolve(args.path) }),
    'dataset:pick-source': async ({ folder }) => ({ path: pickPath ? await pickPath({ folder }) : null }),
    'dataset:cancel-import': ({ importId }) => ({ cancelled: datasets.cancel(importId) }),
    'dataset:upload': async (args) => ({ received: await datasets.upload(args) }),
    'dataset:list': () => datasets.list(),
    'dataset:get': ({ datasetId }) => datasets.get(datasetId),
    'dataset:remove': ({ datasetId }) => ({ removed: datasets.remove(datasetId) }),
    'dataset:items': (args) => datasets.items(args),
    'dataset:thumbnails': ({ datasetId, itemIds }) => datasets.thumbnails(datasetId, itemIds),
    'dataset:update-item': (args) => datasets.updateItem(args),
    'dataset:drop-duplicates': ({ datasetId }) => datasets.dropDuplicates(datasetId),
    'dataset:drop-unlabelled': ({ datasetId }) => datasets.dropUnlabelled(datasetId),
    'dataset:fit': ({ datasetId }) => datasets.fit(datasetId),
    'dataset:set-column': (args) => datasets.setColumn(args),
    'dataset:set-target': ({ datasetId, column }) => datasets.setTarget(datasetId, column),
    'dataset:split': (args) => datasets.split(args),
    'dataset:health': ({ datasetId }) => datasets.health(datasetId),
    'model:templates': () => templateInfos(),
    'model:create': (req) => models.create(req),
    'model:fit-dataset': ({ id, datasetId }) => models.fitToDataset(id, datasetId),
    'model:list': () => models.list(),
    'model:get': ({ id, version }) => models.get(id, version),
    'model:save': ({ id, spec, name }) => models.save(id, spec, name),
    'model:code': ({ id, version, lang }) => ({ code: models.code(id, lang, version) }),
    'model:bases': () => models.bases(),
    'model:import-base': ({ path, uploadId, name }) => (uploadId ? models.importUploadedBase(uploadId, name) : models.importBase(access.resolve(path!), name)),
    'model:download-base': (source) => models.downloadBase(source),
    'model:cancel-download': ({ downloadId }) => ({ cancelled: models.cancelDownload(downloadId) }),
    'sample:list': () => samples.list(),
    'sample:open': ({ id, quick }) => samples.open(id, { quick }),
    'export:run': ({ runId, formats, card, locale }) => exports.run(runId, formats, card, locale),
    'export:list': ({ runId }) => exports.list(runId),
    'export:download': ({ runId, format, offset }) => exports.download(runId, format, offset),
    'export:save-to': ({ runId, format }) => exports.saveTo(runId, format),
    'evaluation:run': ({ runId, split }) => evaluation.evaluate(runId, split),
    'evaluation:get': ({ runId, split }) => evaluation.get(runId, split),
    'evaluation:examples': (args) => evaluation.examples(args),
    'evaluation:update-item': (args) => evaluation.updateItem(args),
    'evaluation:try-form': ({ runId }) => evaluation.tryForm(runId),
    'evaluation:predict': ({ runId, input }) => evaluation.predict(runId, input),
    'evaluation:cross-validate': ({ runId, k, epochs }) => evaluation.crossValidate(runId, k, epochs),
    'evaluation:cross-validation': ({ runId }) => evaluation.crossValidation(runId),
    'runs:list': () => experiments.list(),
    'runs:update': (args) => experiments.update(args),
    'runs:delete': ({ runId }) => ({ deleted: experiments.delete(runId) }),
    'runs:compare': ({ runIds }) => experiments.compare(runIds)
  }
  return {
    handlers,
    projects,
    training,
    datasets,
    models,
    samples,
    evaluation,
    experiments,
    exports,
    dispose: () => {
      evaluation.dispose()
      training.dispose()
      datasets.dispose()
      projects.close()
    }
  }
}
