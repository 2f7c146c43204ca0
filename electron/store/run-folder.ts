/**
 * Where a training run's files live inside its project, and a checked reader of the model spec it trained:
 *
 * ```
 * runs/<id>/
 *   model-spec.json              the spec as the run started (a strata.model/1 document)
 *   checkpoints/last/, best/     model.json, weights.bin, optimizer and training state
 *   exports/manifest.json        the card texts and the latest export of each format
 *   exports/<format>/            one folder per export format
 *   exports/run-<id>-<format>.zip   the archive a browser downloads
 * ```
 */
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { CheckpointKind, ExportFormat, LayerLine } from '../../common/contract'
import { StrataError } from '../../common/errors'
import { ModelSpecSchema, type ModelSpec } from '../../common/model/spec'

/** The project sub-folder holding one folder per run. */
export const RUNS_FOLDER = 'runs'

/** The checkpoint a finished run is judged, tried and exported with: its best one when it has one, else its last. */
export const CHECKPOINT_PREFERENCE: readonly CheckpointKind[] = ['best', 'last']

/** The file in a run's folder holding the model spec it trained. */
export const RUN_SPEC_FILE = 'model-spec.json'

/** The folder of a run inside its project. */
export function runDir(projectRoot: string, runId: number): string {
  return path.join(projectRoot, RUNS_FOLDER, String(runId))
}

/** The folder of one of a run's checkpoints. */
export function checkpointDir(runDir: string, kind: CheckpointKind): string {
  return path.join(runDir, 'checkpoints', kind)
}

/** The folder holding every export of a run (and their manifest and archives). */
export function exportsDir(runDir: string): string {
  return path.join(runDir, 'exports')
}

/** The folder of one export format of a run. */
export function exportDir(runDir: string, format: ExportFormat): string {
  return path.join(exportsDir(runDir), format)
}

/** The manifest recording a run's exports. */
export function exportManifestFile(runDir: string): string {
  return path.join(exportsDir(runDir), 'manifest.json')
}

/** What an export is called outside the project: the folder it is copied to, and the one inside its zip archive. */
export function exportName(runId: number, format: ExportFormat): string {
  return `run-${runId}-${format}`
}

/** The zip archive of one export, kept beside it; `name` is also the file name the user's download gets. */
export function exportArchive(runDir: string, runId: number, format: ExportFormat): { file: string; name: string } {
  const name = `${exportName(runId, format)}.zip`
  return { file: path.join(exportsDir(runDir), name), name }
}

/** Creates a run's folder and records the model spec it starts with. */
export function writeRunSpec(runDir: string, spec: unknown): void {
  fs.mkdirSync(runDir, { recursive: true })
  fs.writeFileSync(path.join(runDir, RUN_SPEC_FILE), JSON.stringify(spec, null, 2))
}

/**
 * The model spec a run trained, checked against the spec schema; null when the run's folder has none.
 * Throws `RUN_DAMAGED` when the file is there but is not a readable spec.
 */
export function readRunSpec(runDir: string, runId: number): ModelSpec | null {
  const file = path.join(runDir, RUN_SPEC_FILE)
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  const parsed = ModelSpecSchema.safeParse(parseJson(text))
  if (!parsed.success) throw new StrataError('RUN_DAMAGED', { runId, part: RUN_SPEC_FILE })
  return parsed.data
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

// Comparing runs shows whatever layers a run's spec lists, so only its nodes are checked.
const SpecLayers = z.object({ nodes: z.array(z.object({ id: z.string(), type: z.string(), params: z.record(z.string(), z.unknown()).default({}) })).default([]) })

/** The layers of the spec a run trained, in spec order; empty when its folder is gone or its spec cannot be read. */
export function readRunLayers(runDir: string): LayerLine[] {
  let text: string
  try {
    text = fs.readFileSync(path.join(runDir, RUN_SPEC_FILE), 'utf8')
  } catch {
    return []
  }
  const parsed = SpecLayers.safeParse(parseJson(text))
  return parsed.success ? parsed.data.nodes : []
}
