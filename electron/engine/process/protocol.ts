import type { Preprocessing } from '../../../common/data/preprocessing'
import type { AppError } from '../../../common/errors'
import type { BackendReport, CardText, CrossValidation, CrossValidationProgress, EvaluationSplit, ExportFormat, Prediction, TrainConfig } from '../../../common/contract'
import type { NewEvaluation } from '../../store/evaluations'
import type { RawExample } from '../data/prepare-data'
import type { CpuReference, CpuReferenceJob } from '../gpu/calibration'
import type { JobEvent } from './job-events'

export type { JobEvent } from './job-events'

/** What the engine answers to an evaluate, cross-validate or predict request. */
export type EngineResult = NewEvaluation | CrossValidation | Prediction[] | CpuReference

/** A training job as the engine process receives it: only JSON crosses the process boundary. */
export interface TrainJob {
  runId: number
  projectRoot: string
  datasetId: string
  /** The model spec (strata.model/1) to compile, unless resuming from a checkpoint. */
  spec: unknown
  config: TrainConfig
  /** Folder of this run: checkpoints go to `<runDir>/checkpoints/{last,best}`. */
  runDir: string
  /** Continue from the last checkpoint instead of starting afresh. */
  resume: boolean
}

/** An export job: write and verify the chosen formats of a finished run into `<runDir>/exports/<format>/`. */
export interface ExportJob {
  runId: number
  projectRoot: string
  runDir: string
  formats: ExportFormat[]
  card: CardText
  /** Language of the model card and the web page. */
  locale: string
  /** Strata's version, written into the files. */
  version: string
}

/** Judging a run's trained model on one split of its dataset, with the preprocessing saved with the run. */
export interface EvaluateJob {
  runId: number
  projectRoot: string
  datasetId: string
  runDir: string
  split: EvaluationSplit
  preprocessing: Preprocessing
}

/** k trainings of a run's setup, each holding out one fold of its training and validation items. */
export interface CrossValidateJob {
  runId: number
  projectRoot: string
  datasetId: string
  spec: unknown
  config: TrainConfig
  k: number
}

/** Requests the engine process answers. */
export type EngineRequest =
  | { id: number; type: 'probe' }
  | { id: number; type: 'evaluate'; job: EvaluateJob }
  | { id: number; type: 'cross-validate'; job: CrossValidateJob }
  /** Predicts raw examples with a run's model, kept loaded in this process for the next request. */
  | { id: number; type: 'predict'; runId: number; runDir: string; preprocessing: Preprocessing; examples: RawExample[] }
  /** Times a job's model on the CPU engine's backend: the speed the GPU engine must beat. */
  | { id: number; type: 'cpu-reference'; job: CpuReferenceJob }
  | { type: 'train'; job: TrainJob }
  | { type: 'export'; job: ExportJob }
  | { type: 'control'; action: 'pause' | 'resume' | 'stop' }

/** What the engine process sends back: replies to requests, and a running job's events. */
export type EngineReply =
  | { id: number; ok: true; value: BackendReport | EngineResult }
  | { id: number; ok: false; error: AppError }
  | { id: number; progress: CrossValidationProgress }
  | { type: 'job'; event: JobEvent }

/** A running engine process as its parent sees it, whichever way it was started (fork or utilityProcess). */
export interface EnginePort {
  postMessage(message: EngineRequest): void
  onMessage(listener: (message: EngineReply) => void): void
  onExit(listener: (code: number | null) => void): void
  kill(): void
  /** The operating system's process id, when known. */
  pid?: number
}
