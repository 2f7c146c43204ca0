import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { TrainConfig, type EmitEvent, type ProjectSummary, type SampleLine } from '../../common/contract'
import { StrataError } from '../../common/errors'
import { translate } from '../../common/i18n'
import { buildTemplate } from '../../common/model/templates'
import { SAMPLES, sampleById, type Sample } from '../../common/samples'
import { setSplitsBy } from '../store/datasets'
import { writeMnistFolder } from '../store/mnist'
import { locateProject, projectFolderFor, setTrainingDefaults } from '../store/project-folder'
import type { DatasetService } from './dataset-service'
import type { ModelService } from './model-service'
import type { ProjectService } from './project-service'

/** Every tenth MNIST training digit validates; MNIST's own test digits stay the test split. */
const VALIDATION_EVERY = 10

/** A sample's settings, full or shortened for CI. */
export function sampleVariant(sample: Sample, quick: boolean): { data: Sample['data']; training: TrainConfig; goal: Sample['goal'] } {
  const data = quick && sample.data.source === 'mnist' ? { ...sample.data, ...sample.quick.data } : sample.data
  return {
    data,
    training: TrainConfig.parse({ ...sample.training, ...(quick ? sample.quick.training : {}) }),
    goal: quick ? sample.quick.goal : sample.goal
  }
}

/**
 * Sample projects: created fresh in the user's projects folder the first time they are opened (the shipped files
 * are only read), with the dataset imported, the model built and the recommended training settings saved.
 */
export class SampleService {
  constructor(
    private readonly opts: {
      projectsDir: string
      resourcesDir: string
      projects: ProjectService
      datasets: DatasetService
      models: ModelService
      emit: EmitEvent
    }
  ) {}

  private folder(id: string, quick = false): string {
    const name = translate('en', `samples.${id}.name`) + (quick ? ' (quick)' : '')
    return projectFolderFor(path.join(this.opts.projectsDir, name))
  }

  /** The samples, each with its project folder once created. */
  list(): SampleLine[] {
    return SAMPLES.map((s) => ({ id: s.id, path: fs.existsSync(path.join(this.folder(s.id), 'project.db')) ? this.folder(s.id) : null }))
  }

  /** The project name of a sample, full or quick. */
  private projectName(sample: Sample, quick: boolean): string {
    return path.basename(this.folder(sample.id, quick), '.strata')
  }

  /** Opens a sample's project, creating it first if needed. */
  async open(id: string, { quick = false }: { quick?: boolean } = {}): Promise<ProjectSummary> {
    const sample = sampleById(id)
    if (!sample) throw new StrataError('NOT_FOUND', { what: `Sample ${id}` })
    const folder = this.folder(id, quick)
    try {
      return this.opts.projects.open(locateProject(folder))
    } catch (err) {
      if (!(err instanceof StrataError) || err.code !== 'PROJECT_NOT_FOUND') throw err
    }
    try {
      return await this.create(sample, quick)
    } catch (err) {
      // A half-made sample is worth nothing: remove it so the next open starts clean.
      this.opts.projects.close()
      fs.rmSync(folder, { recursive: true, force: true })
      throw err
    }
  }

  private async create(sample: Sample, quick: boolean): Promise<ProjectSummary> {
    const variant = sampleVariant(sample, quick)
    const progress = (step: 'project' | 'data' | 'model' | 'done', done = 0, total = 1): void =>
      this.opts.emit('sample:progress', { id: sample.id, step, done, total })
    progress('project')
    this.opts.projects.create(this.projectName(sample, quick), this.opts.projectsDir)
    progress('data')
    const datasetId = await this.importData(sample, variant.data, (done, total) => progress('data', done, total))
    progress('model')
    const name = translate('en', `samples.${sample.id}.name`)
    if (sample.base) {
      // The shipped base is copied into the project and named by the template's PretrainedBase layer.
      const base = this.opts.models.importBase(path.join(this.opts.resourcesDir, 'samples', sample.base))
      const spec = buildTemplate(sample.template, sample.fit, name)
      const withBase = { ...spec, nodes: spec.nodes.map((n) => (n.type === 'PretrainedBase' ? { ...n, params: { ...n.params, base: base.id } } : n)) }
      this.opts.models.create({ name, spec: withBase, datasetId })
    } else {
      this.opts.models.create({ name, template: sample.template, fit: sample.fit, datasetId })
    }
    setTrainingDefaults(this.opts.projects.require().db, variant.training)
    progress('done')
    // Re-open so the summary carries the saved training settings.
    return this.opts.projects.open(this.opts.projects.require().root)
  }

  private async importData(sample: Sample, data: Sample['data'], onProgress: (done: number, total: number) => void): Promise<string> {
    if (data.source === 'images') {
      const result = await this.opts.datasets.import({
        path: path.join(this.opts.resourcesDir, 'samples', data.folder),
        kind: 'images',
        name: translate('en', `samples.${sample.id}.name`),
        ragged: 'skip',
        seed: 42
      })
      return result.datasetId
    }
    if (data.source === 'csv') {
      const result = await this.opts.datasets.import({
        path: path.join(this.opts.resourcesDir, 'samples', data.file),
        kind: data.kind,
        target: data.target,
        textColumn: data.textColumn,
        name: translate('en', `samples.${sample.id}.name`),
        ragged: 'skip',
        seed: 42
      })
      return result.datasetId
    }
    const staging = fs.mkdtempSync(path.join(os.tmpdir(), `strata-${sample.id}-${crypto.randomBytes(3).toString('hex')}-`))
    try {
      await writeMnistFolder(staging, { train: data.train, test: data.test }, onProgress)
      const result = await this.opts.datasets.import({ path: staging, kind: 'images', name: 'MNIST digits', ragged: 'skip', seed: 42 })
      setSplitsBy(this.opts.projects.require().db, result.datasetId, (item, i) =>
        (item.file ?? '').includes('test-') ? 'test' : i % VALIDATION_EVERY === 0 ? 'validation' : 'train'
      )
      return result.datasetId
    } finally {
      fs.rmSync(staging, { recursive: true, force: true })
    }
  }
}
