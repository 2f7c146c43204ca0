import type { ModelLine, ModelRecord, TemplateInfo } from '../../common/contract/model'
import { StrataError } from '../../common/errors'
import { generateKeras } from '../../common/model/codegen-keras'
import { generateTfjs } from '../../common/model/codegen-tfjs'
import { analyzeModel, type DatasetFit, type ProblemCode } from '../../common/model/infer'
import { applyChange } from '../../common/model/changes'
import { emptySpec, type ModelSpec } from '../../common/model/spec'
import { TEMPLATES, buildTemplate, isTemplateId, type TemplateId } from '../../common/model/templates'
import { baseIdsOf, expandBases, usesBase, type BaseInfo } from '../../common/model/bases'
import fs from 'node:fs'
import path from 'node:path'
import type { EmitEvent } from '../../common/contract'
import { downloadModel, type DownloadSource } from '../store/base-download'
import { basesById, importBase, listBases } from '../store/bases'
import { ModelStore } from '../store/model-store'
import { uploadFolder } from './dataset-service'
import { datasetFit } from './dataset-fit'
import type { ProjectService } from './project-service'

/** What a new model starts from: a template fitted to a dataset, a given spec, or an Input layer alone. */
export interface CreateModel {
  name?: string
  template?: TemplateId
  spec?: ModelSpec
  fit?: DatasetFit
  datasetId?: string
  /** The imported base a template's PretrainedBase layer uses. */
  base?: string
}

/** Every template the picker and the CLI list, with what it is fitted to by default. */
export function templateInfos(): TemplateInfo[] {
  return TEMPLATES.map((t) => ({ id: t.id, kind: t.kind, inputShape: [...t.defaults.inputShape], classes: t.defaults.classes, task: t.defaults.task }))
}

/** A blank model: one Input layer shaped like the dataset's examples. */
export function blankSpec(name: string, fit: DatasetFit = {}): ModelSpec {
  return {
    ...emptySpec(name),
    ...(fit.task ? { task: { kind: fit.task, ...(fit.task === 'classification' && fit.classes ? { classes: fit.classes } : {}) } } : {}),
    nodes: [{ id: 'input_1', type: 'Input', params: { shape: fit.inputShape ?? [28, 28, 1] }, position: { x: 0, y: 0 } }],
    edges: []
  }
}

/** The problems fitting a model to a dataset fixes: its input shape and its head. */
const FIT_PROBLEMS = new Set<ProblemCode>(['inputShapeDataset', 'taskMismatch', 'outputUnits', 'outputActivation'])

/** Creates, lists, saves and generates code for the open project's models. */
export class ModelService {
  constructor(
    private readonly projects: Pick<ProjectService, 'require'>,
    private readonly opts: { cacheDir?: string; emit?: EmitEvent } = {}
  ) {}

  /** Running base downloads by id, so the user can cancel one. */
  private readonly downloads = new Map<string, AbortController>()

  private store(): ModelStore {
    return new ModelStore(this.projects.require().db)
  }

  /** Creates a model from a template, a spec or nothing, and saves its first version. */
  create(req: CreateModel): ModelRecord {
    if (req.template !== undefined && !isTemplateId(req.template)) throw new StrataError('TEMPLATE_UNKNOWN', { template: String(req.template) })
    const name = req.name ?? req.spec?.name ?? (req.template ? req.template : 'Model')
    let fit = req.fit ?? (req.datasetId ? datasetFit(this.projects.require().db, req.datasetId) : undefined)
    const base = req.base === undefined ? undefined : this.bases().find((b) => b.id === req.base)
    if (req.base !== undefined && !base) throw new StrataError('BASE_NOT_FOUND', { base: req.base })
    // A base takes images of its own shape: the dataset's are resized to it.
    if (base) fit = { ...fit, inputShape: [...base.inputShape] }
    let spec = req.spec ? req.spec : req.template ? buildTemplate(req.template, fit, name) : blankSpec(name, fit)
    if (base) {
      const nodes = spec.nodes.filter((n) => n.type === 'PretrainedBase')
      if (!nodes.length) throw new StrataError('BAD_ARGUMENTS', { reason: `the template ${req.template ?? ''} has no PretrainedBase layer to use the base ${base.id} in` })
      spec = applyChange(spec, { kind: 'batch', changes: nodes.map((n) => ({ kind: 'setParam', id: n.id, param: 'base', value: base.id })) }).spec
    }
    return this.store().create(name, spec, req.datasetId ?? null)
  }

  /**
   * Fits a model to a dataset as Build's one-click fixes do: the Input takes the dataset's encoded shape, the head
   * the task the target asks for (and its output units and activation). Saved as a new version.
   */
  fitToDataset(id: string, datasetId: string): ModelRecord {
    const fit = datasetFit(this.projects.require().db, datasetId)
    const bases = Object.fromEntries(this.bases().map((b) => [b.id, b]))
    let { spec } = this.get(id)
    // Each fix can reveal the next (a fitted head has new output units): a few rounds settle it.
    for (let round = 0; round < 3; round++) {
      const fixes = analyzeModel(spec, { ...fit, bases }).problems.filter((p) => FIT_PROBLEMS.has(p.code) && p.fix)
      if (!fixes.length) break
      spec = applyChange(spec, { kind: 'batch', changes: fixes.map((p) => p.fix!) }).spec
    }
    this.save(id, spec)
    return this.get(id)
  }

  /** What a model fitted to one of the project's datasets looks like (its input shape, task and classes). */
  datasetFit(datasetId: string): DatasetFit {
    return datasetFit(this.projects.require().db, datasetId)
  }

  /** Every model of the project, most recently changed first. */
  list(): ModelLine[] {
    return this.store().list()
  }

  /** A model at its latest (or a given) version. */
  get(id: string, version?: number): ModelRecord {
    return this.store().get(id, version)
  }

  /** Saves an edit as a new version (autosave); an unchanged spec saves nothing. */
  save(id: string, spec: ModelSpec, name?: string): { id: string; version: number; updatedAt: string; changed: boolean } {
    return this.store().save(id, spec, name)
  }

  /** The TF.js (TypeScript) or Keras (Python) code that builds a model. */
  code(id: string, lang: 'tfjs' | 'keras', version?: number): string {
    const { spec } = this.get(id, version)
    // A pretrained base is written out as its own layers, so the code rebuilds the whole network.
    const root = this.projects.require().root
    const ids = baseIdsOf(spec).filter((b) => listBases(root).some((info) => info.id === b))
    const full = usesBase(spec) && ids.length === baseIdsOf(spec).length ? safeExpand(spec, basesById(root, ids)) : spec
    return lang === 'tfjs' ? generateTfjs(full) : generateKeras(full)
  }

  /** The pretrained bases imported into the project. */
  bases(): BaseInfo[] {
    return listBases(this.projects.require().root)
  }

  /** Downloads a model once into the app's cache (sha256-checked, with progress) and imports it as a base. */
  async downloadBase(source: DownloadSource & { downloadId?: string }): Promise<BaseInfo> {
    const cacheDir = this.opts.cacheDir
    if (!cacheDir) throw new StrataError('BAD_ARGUMENTS', { reason: 'downloads need the app cache folder' })
    const { downloadId } = source
    if (downloadId && this.downloads.has(downloadId)) throw new StrataError('BAD_ARGUMENTS', { reason: `a download with id ${downloadId} is already running` })
    const controller = new AbortController()
    if (downloadId) this.downloads.set(downloadId, controller)
    try {
      const folder = await downloadModel(cacheDir, source, {
        signal: controller.signal,
        onProgress: (p) => this.opts.emit?.('model:download-progress', { name: source.name, ...(downloadId ? { downloadId } : {}), ...p })
      })
      return this.importBase(folder, source.name)
    } finally {
      if (downloadId) this.downloads.delete(downloadId)
    }
  }

  /** Stops a running download; false when none runs under that id. */
  cancelDownload(downloadId: string): boolean {
    const controller = this.downloads.get(downloadId)
    controller?.abort()
    return Boolean(controller)
  }

  /** Imports a model folder uploaded with `dataset:upload` (browser mode) as a base, then clears the upload. */
  importUploadedBase(uploadId: string, name?: string): BaseInfo {
    const dir = uploadFolder(this.projects.require().root, uploadId)
    if (!fs.existsSync(dir)) throw new StrataError('UPLOAD_NOT_FOUND', { id: uploadId })
    // A picked folder arrives as one folder inside the upload; its name names the base.
    const entries = fs.readdirSync(dir, { withFileTypes: true })
    const folder = entries.length === 1 && entries[0].isDirectory() ? path.join(dir, entries[0].name) : dir
    try {
      return this.importBase(folder, name ?? (folder === dir ? undefined : entries[0].name))
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }

  /** Imports a TF.js layers model (folder or model.json) into the project as a pretrained base. */
  importBase(source: string, name?: string): BaseInfo {
    return importBase(this.projects.require().root, source, name)
  }
}

/** The spec with its bases written out, or as it is when a cut names no layer (the code then says why). */
function safeExpand(spec: ModelSpec, bases: Record<string, BaseInfo>): ModelSpec {
  try {
    return expandBases(spec, bases).spec
  } catch {
    return spec
  }
}
