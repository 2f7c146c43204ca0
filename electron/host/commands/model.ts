import fs from 'node:fs'
import path from 'node:path'
import { StrataError } from '../../../common/errors'
import { CATALOG, CATEGORIES, LAYER_TYPES, formatShape, parseShape } from '../../../common/model/catalog'
import { analyzeModel, formatBytes, formatCount, formatFlops, problemText, type DatasetFit } from '../../../common/model/infer'
import { parseSpecText, type ModelSpec } from '../../../common/model/spec'
import { TEMPLATES, isTemplateId } from '../../../common/model/templates'
import type { BaseInfo } from '../../../common/model/bases'
import type { DownloadSource } from '../../store/base-download'
import { openProject } from '../../store/project-folder'
import { defaultPaths } from '../../services/paths'
import { ModelService, templateInfos } from '../../services/model-service'
import { t, type Args, type Command, type Output } from '../cli-io'

function option(args: Args, name: string): string | undefined {
  const v = args.options[name]
  return typeof v === 'string' ? v : undefined
}

function missing(o: Output, what: string): never {
  throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what }) })
}

function withProject<T>(target: string, run: (service: ModelService, name: string) => T): T {
  const project = openProject(target)
  try {
    return run(new ModelService({ require: () => project }), project.name)
  } finally {
    project.close()
  }
}

const cmdLayers: Command = async (_args, o) => {
  if (o.json) {
    const layers = LAYER_TYPES.map((type) => {
      const def = CATALOG[type]
      return {
        type,
        category: def.category,
        inputs: def.inputs,
        tfjs: def.tfjs,
        keras: def.keras,
        about: t(o, `build.layers.${type}`),
        params: Object.entries(def.params).map(([name, p]) => ({ name, ...p, about: t(o, `build.params.${name}`) }))
      }
    })
    o.out(JSON.stringify({ layers }))
    return 0
  }
  o.out(t(o, 'cli.layersTitle'))
  for (const category of CATEGORIES) {
    o.out(`\n${t(o, `build.categories.${category}`)}`)
    for (const type of LAYER_TYPES.filter((l) => CATALOG[l].category === category)) {
      const params = Object.entries(CATALOG[type].params).map(([name, p]) => `${name}=${Array.isArray(p.default) ? formatShape(p.default) : String(p.default)}`)
      o.out(`  ${type.padEnd(24)} ${t(o, `build.layers.${type}`)}`)
      if (params.length) o.out(`  ${''.padEnd(24)} ${params.join(' ')}`)
    }
  }
  return 0
}

const cmdTemplates: Command = async (_args, o) => {
  const infos = templateInfos().map((info) => ({ ...info, name: t(o, `build.templates.${info.id}.name`), about: t(o, `build.templates.${info.id}.about`) }))
  if (o.json) {
    o.out(JSON.stringify({ templates: infos }))
    return 0
  }
  o.out(t(o, 'cli.templatesTitle'))
  for (const info of infos) o.out(`  ${info.id.padEnd(20)} ${info.name} — ${info.about}`)
  return 0
}

function readFit(args: Args, o: Output): DatasetFit {
  const fit: DatasetFit = {}
  const input = option(args, 'input')
  if (input !== undefined) {
    const shape = parseShape(input)
    if (!shape || shape.some((d) => d < 1)) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.badShapeOption', { value: input }) })
    fit.inputShape = shape
  }
  const classes = option(args, 'classes')
  if (classes !== undefined) {
    const n = Number(classes)
    if (!Number.isInteger(n) || n < 2) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.badClassesOption', { value: classes }) })
    fit.classes = n
  }
  return fit
}

const cmdModel: Command = async (args, o) => {
  const target = args.positional[1] ?? missing(o, '<project>')
  const template = option(args, 'template')
  const specFile = option(args, 'spec')
  if (!template && !specFile) missing(o, '--template NAME or --spec FILE')
  if (template && !isTemplateId(template)) throw new StrataError('TEMPLATE_UNKNOWN', { template })
  // With --dataset and no explicit shape or classes, the template is fitted to the dataset itself.
  const given = readFit(args, o)
  const fit = Object.keys(given).length ? given : undefined
  let spec: ModelSpec | undefined
  if (specFile) {
    let text: string
    try {
      text = fs.readFileSync(specFile, 'utf8')
    } catch (err) {
      throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.specUnreadable', { path: specFile, reason: err instanceof Error ? err.message : String(err) }) })
    }
    const parsed = parseSpecText(text)
    if (!parsed.ok) throw new StrataError('MODEL_INVALID', { issues: parsed.issues.map((i) => `${i.path.join('.') || 'document'}: ${i.message}`).join('; ') })
    spec = parsed.spec
  }
  const tmpl = template ? TEMPLATES.find((x) => x.id === template) : undefined
  const name = option(args, 'name')
  const { record, projectName } = withProject(target, (service, projectName) => ({
    record: service.create({ name, template: tmpl?.id, spec, fit, datasetId: option(args, 'dataset'), base: option(args, 'base') }),
    projectName
  }))
  const bases = withProject(target, (service) => Object.fromEntries(service.bases().map((b) => [b.id, b])))
  // Checked against the dataset it was made for, as Build checks it.
  const datasetId = option(args, 'dataset')
  const checkFit = datasetId ? withProject(target, (service) => service.datasetFit(datasetId)) : fit
  const analysis = analyzeModel(record.spec, { ...checkFit, bases })
  const tr = (key: string, params?: Record<string, string | number>) => t(o, key, params)
  const layers = analysis.order.map((id) => ({
    id,
    type: analysis.nodes[id].type,
    outputShape: analysis.nodes[id].outputShape,
    params: analysis.nodes[id].params
  }))
  const problems = analysis.problems.map((p) => ({ code: p.code, severity: p.severity, nodeId: p.nodeId, message: problemText(tr, p) }))
  if (o.json) {
    o.out(JSON.stringify({ modelId: record.id, version: record.version, totalParams: analysis.totalParams, sizeBytes: analysis.sizeBytes, trainingFlops: analysis.trainingFlops, layers, problems }))
    return 0
  }
  o.out(t(o, 'cli.modelSaved', { id: record.id, version: record.version, project: projectName }))
  o.out('')
  o.out(`${t(o, 'cli.layerHeader').padEnd(34)}${t(o, 'cli.shapeHeader').padEnd(18)}${t(o, 'cli.paramsHeader').padStart(12)}`)
  for (const l of layers) {
    const shape = l.outputShape ? formatShape(l.outputShape) : '?'
    o.out(`${`${l.id} (${l.type})`.padEnd(34)}${shape.padEnd(18)}${formatCount(l.params).padStart(12)}`)
  }
  o.out('')
  o.out(t(o, 'cli.totals', { params: formatCount(analysis.totalParams), size: formatBytes(analysis.sizeBytes), flops: formatFlops(analysis.trainingFlops) }))
  if (problems.length) {
    o.out(t(o, 'cli.problemsTitle'))
    for (const p of problems) o.out(`  ${p.severity === 'error' ? '×' : '!'} ${p.message}`)
  } else o.out(t(o, 'cli.noProblems'))
  return 0
}

const cmdCode: Command = async (args, o) => {
  const target = args.positional[1] ?? missing(o, '<project>')
  const id = option(args, 'model') ?? missing(o, '--model ID')
  const lang = option(args, 'lang') ?? 'tfjs'
  if (lang !== 'tfjs' && lang !== 'keras') throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.badLangOption', { value: lang }) })
  const version = option(args, 'version') === undefined ? undefined : Number(option(args, 'version'))
  const code = withProject(target, (service) => service.code(id, lang, version))
  if (o.json) o.out(JSON.stringify({ modelId: id, lang, code }))
  else o.out(code.trimEnd())
  return 0
}

const cmdImportBase: Command = async (args, o) => {
  const target = args.positional[1] ?? missing(o, '<project>')
  const url = option(args, 'url')
  const base = url
    ? await downloadInto(target, { url, sha256: option(args, 'sha256') ?? missing(o, '--sha256 HEX'), name: option(args, 'name') ?? new URL(url).pathname.split('/').slice(-2, -1)[0] ?? 'base' })
    : withProject(target, (service) => service.importBase(path.resolve(args.positional[2] ?? missing(o, '<path> or --url URL --sha256 HEX')), option(args, 'name')))
  if (o.json) o.out(JSON.stringify({ base }))
  else o.out(t(o, 'cli.baseImported', { name: base.name, id: base.id, layers: base.layers.length, shape: formatShape(base.inputShape), cut: base.defaultCut }))
  return 0
}

/** Downloads a model into the app's cache (once) and imports it into the project as a base. */
async function downloadInto(target: string, source: DownloadSource): Promise<BaseInfo> {
  const project = openProject(target)
  try {
    return await new ModelService({ require: () => project }, { cacheDir: path.join(defaultPaths().dataDir, 'cache', 'bases') }).downloadBase(source)
  } finally {
    project.close()
  }
}

const cmdBases: Command = async (args, o) => {
  const target = args.positional[1] ?? missing(o, '<project>')
  const bases = withProject(target, (service) => service.bases())
  if (o.json) {
    o.out(JSON.stringify({ bases }))
    return 0
  }
  for (const b of bases) o.out(`${b.id}  ${b.name.padEnd(24)} ${formatShape(b.inputShape).padEnd(12)} ${b.layers.map((l) => l.name).join(' → ')}`)
  return 0
}

/** `strata layers`, `strata templates`, `strata model`, `strata code`, `strata import-base` and `strata bases`. */
export const MODEL_COMMANDS: Record<string, Command> = {
  layers: cmdLayers,
  templates: cmdTemplates,
  model: cmdModel,
  code: cmdCode,
  'import-base': cmdImportBase,
  bases: cmdBases
}
