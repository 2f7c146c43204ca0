import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { StrataError } from '../../common/errors'
import { readBaseTopology, type BaseInfo } from '../../common/model/bases'

/** The folder of a project's imported bases: `bases/<id>/{model.json, weights.bin, base.json}`. */
export function basesDir(projectRoot: string): string {
  return path.join(projectRoot, 'bases')
}

/** The folder of one imported base. */
export function baseDir(projectRoot: string, id: string): string {
  if (!/^base-[0-9a-f]{12}$/.test(id)) throw new StrataError('BASE_NOT_FOUND', { base: id })
  return path.join(basesDir(projectRoot), id)
}

/** Bytes one weight takes, by TF.js dtype. */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 }

interface WeightsGroup {
  paths: string[]
  weights: Array<{ name: string; shape: number[]; dtype: string; quantization?: unknown }>
}

interface ModelJson {
  modelTopology?: unknown
  weightsManifest?: WeightsGroup[]
  format?: string
}

function unreadable(reason: string): StrataError {
  return new StrataError('BASE_UNREADABLE', { reason })
}

/** The model.json of a base given as the file itself or the folder holding it. */
function modelJsonPath(source: string): string {
  if (!fs.existsSync(source)) throw new StrataError('IMPORT_PATH_NOT_FOUND', { path: source })
  const file = fs.statSync(source).isDirectory() ? path.join(source, 'model.json') : source
  if (!fs.existsSync(file)) throw unreadable(`there is no model.json in ${source}`)
  return file
}

/**
 * Reads a TF.js layers model (model.json and its weight files) into memory with all weights in one buffer,
 * checking that the weights are all there and that Strata can rebuild every layer. Throws BASE_UNREADABLE or
 * BASE_UNSUPPORTED (naming each layer it cannot build) in plain words.
 */
export function readLayersModel(source: string): { manifest: { modelTopology: unknown; weightsManifest: WeightsGroup[] }; weights: Buffer; info: Omit<BaseInfo, 'id' | 'name' | 'sha256'> } {
  const file = modelJsonPath(source)
  let json: ModelJson
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as ModelJson
  } catch (err) {
    throw unreadable(`model.json is not valid JSON: ${err instanceof Error ? err.message : String(err)}`)
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) throw unreadable('model.json has no layers model topology or weights manifest (a graph model cannot be used as a base)')
  const parts: Buffer[] = []
  const specs: WeightsGroup['weights'] = []
  let expected = 0
  for (const group of json.weightsManifest) {
    for (const w of group.weights) {
      if (w.quantization) throw unreadable(`weight ${w.name} is quantized`)
      const bytes = DTYPE_BYTES[w.dtype]
      if (!bytes) throw unreadable(`weight ${w.name} has the unsupported type ${w.dtype}`)
      expected += bytes * w.shape.reduce((a, b) => a * b, 1)
      specs.push(w)
    }
    for (const p of group.paths) {
      const weightFile = path.resolve(path.dirname(file), p)
      if (path.dirname(weightFile) !== path.dirname(path.resolve(file))) throw unreadable(`weight file ${p} lies outside the model's folder`)
      if (!fs.existsSync(weightFile)) throw unreadable(`weight file ${p} is missing`)
      parts.push(fs.readFileSync(weightFile))
    }
  }
  const weights = Buffer.concat(parts)
  if (weights.length !== expected) throw unreadable(`the weight files hold ${weights.length} bytes but model.json describes ${expected}`)
  const reading = readBaseTopology(json.modelTopology)
  if (!reading.ok) {
    const layers = reading.problems.map((p) => (p.layer ? `${p.layer} (${p.className}): ${p.reason}` : p.reason)).join('; ')
    throw new StrataError('BASE_UNSUPPORTED', { layers })
  }
  return { manifest: { modelTopology: json.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: specs }] }, weights, info: reading.info }
}

/**
 * Copies a TF.js layers model into the project as a base (content-addressed: importing the same model twice
 * gives the same id) and returns its description. The original files are only read.
 */
export function importBase(projectRoot: string, source: string, name?: string): BaseInfo {
  const { manifest, weights, info } = readLayersModel(source)
  const modelJson = JSON.stringify(manifest)
  const sha256 = crypto.createHash('sha256').update(modelJson).update(weights).digest('hex')
  const id = `base-${sha256.slice(0, 12)}`
  const fallback = path.basename(fs.statSync(source).isDirectory() ? source : path.dirname(source))
  const base: BaseInfo = { id, name: (name ?? fallback).slice(0, 120) || id, sha256, ...info }
  const dir = baseDir(projectRoot, id)
  const staging = `${dir}.tmp-${process.pid}`
  fs.rmSync(staging, { recursive: true, force: true })
  fs.mkdirSync(staging, { recursive: true })
  fs.writeFileSync(path.join(staging, 'model.json'), modelJson)
  fs.writeFileSync(path.join(staging, 'weights.bin'), weights)
  fs.writeFileSync(path.join(staging, 'base.json'), JSON.stringify(base, null, 1))
  fs.rmSync(dir, { recursive: true, force: true })
  fs.renameSync(staging, dir)
  return base
}

/** The description of one imported base; BASE_NOT_FOUND when the project has none by that id. */
export function readBase(projectRoot: string, id: string): BaseInfo {
  const file = path.join(baseDir(projectRoot, id), 'base.json')
  if (!fs.existsSync(file)) throw new StrataError('BASE_NOT_FOUND', { base: id })
  return JSON.parse(fs.readFileSync(file, 'utf8')) as BaseInfo
}

/** Every base imported into a project, by name. */
export function listBases(projectRoot: string): BaseInfo[] {
  const dir = basesDir(projectRoot)
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .filter((id) => /^base-[0-9a-f]{12}$/.test(id) && fs.existsSync(path.join(dir, id, 'base.json')))
    .map((id) => readBase(projectRoot, id))
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** The bases a set of ids names, by id; BASE_NOT_FOUND for a missing one. */
export function basesById(projectRoot: string, ids: string[]): Record<string, BaseInfo> {
  return Object.fromEntries(ids.map((id) => [id, readBase(projectRoot, id)]))
}
