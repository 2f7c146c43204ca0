import fs from 'node:fs'
import type { ChannelArgs, ExperimentRow, RunComparison } from '../../common/contract'
import { StrataError } from '../../common/errors'
import { deleteRunRecords, getExperiment, listExperiments, runHistory, updateExperiment } from '../store/experiments'
import type { OpenProject } from '../store/project-folder'
import { getRun, runConfig } from '../store/runs'
import { readRunLayers, runDir } from '../store/run-folder'

/** The experiment history: every run as a compact row, notes, tags, archiving, deletion and comparison. */
export class ExperimentService {
  constructor(private readonly opts: { project: () => OpenProject; isTraining: (runId: number) => boolean }) {}

  /** Every run of the open project, newest first, without curves (they load when runs are compared). */
  list(): ExperimentRow[] {
    return listExperiments(this.opts.project().db)
  }

  /** Changes a run's notes, tags or archived flag. */
  update(args: ChannelArgs<'runs:update'>): ExperimentRow {
    const { db } = this.opts.project()
    updateExperiment(db, args.runId, args)
    return getExperiment(db, args.runId)
  }

  /** Deletes a run: its records and its folder (checkpoints, model spec). Refused while it trains. */
  delete(runId: number): boolean {
    const project = this.opts.project()
    const run = getRun(project.db, runId)
    if (this.opts.isTraining(runId)) throw new StrataError('RUN_BUSY', { runId, status: run.status })
    const deleted = deleteRunRecords(project.db, runId)
    fs.rmSync(runDir(project.root, runId), { recursive: true, force: true })
    return deleted
  }

  /** Settings, architecture and curves of some runs, side by side. */
  compare(runIds: number[]): RunComparison[] {
    const project = this.opts.project()
    return runIds.map((id) => {
      const run = getRun(project.db, id)
      return { id, datasetId: run.datasetId, modelId: run.modelId, config: runConfig(project.db, id), layers: readRunLayers(runDir(project.root, id)), history: runHistory(project.db, id) }
    })
  }
}
