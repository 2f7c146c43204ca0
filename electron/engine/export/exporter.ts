import type * as tfType from '@tensorflow/tfjs'
import type { DatasetItem, DatasetSummary, ExportRecord, Preprocessing, RunDetail, SplitName } from '../../../common/contract'
import type { Locale } from '../../../common/i18n'
import type { ModelSpec } from '../../../common/model/spec'
import type { ExportJob } from '../process/protocol'

type Tf = typeof tfType

/** Held-out examples the exports are checked on, with the studio's own predictions for them. */
export interface HeldOut {
  split: SplitName
  items: DatasetItem[]
  /** Model inputs [n, ...shape] as the studio encodes them. */
  x: Float32Array
  shape: number[]
  /** The studio's predictions [n, outputs]. */
  expected: Float32Array
}

/** Everything an exporter needs: the trained model rebuilt for inference, its preprocessing and the held-out check set. */
export interface ExportContext {
  tf: Tf
  job: ExportJob
  locale: Locale
  /** The format's folder, emptied before the exporter runs. */
  dir: string
  /** The inference model's spec: augmentation layers removed, Input shape fixed to the dataset's. */
  spec: ModelSpec
  /** The trained model rebuilt from {@link spec} (plain TF.js layers only) with the run's weights. */
  model: tfType.LayersModel
  preprocessing: Preprocessing
  heldOut: HeldOut
  dataset: DatasetSummary
  run: RunDetail
  inputName: string
  outputName: string
  /** The studio's predictions on the whole test split, for the model card (computed once, on demand). */
  testPredictions(): Promise<{ items: DatasetItem[]; output: Float32Array }>
}

/** What an exporter reports; the job adds the format, folder and time. */
export type ExportOutcome = Pick<ExportRecord, 'status' | 'maxDiff' | 'examples' | 'checkedWith' | 'files' | 'note'>

/** Writes one format into `ctx.dir` and checks it. */
export type Exporter = (ctx: ExportContext, progress: (stage: 'verifying') => void) => Promise<ExportOutcome>
