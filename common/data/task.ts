import type { ColumnType, DatasetFitInfo, DatasetKind } from '../contract/dataset'
import type { DatasetFit } from '../model/infer'
import type { TaskKind } from '../model/task'

/**
 * The task decision: what a dataset's target asks a model to predict, decided once from the target and used by the
 * templates, the Build checks, preprocessing, the loss, the metrics and the exports.
 */

/** What the decision is made from: the dataset's kind, its target column's type in force, and its classes. */
export interface TargetFacts {
  kind: DatasetKind
  /** The target column's type (tables); null for images and texts, whose labels are always classes. */
  targetType: ColumnType | null
  /** How many distinct labels the target has (classes of images, texts, and class-typed table targets). */
  classes: number
}

/** What a dataset's target asks for. */
export interface TaskDecision {
  /** The task a model fitted to the dataset gets. */
  task: TaskKind
  /** How many classes (classification, binary); null for regression. */
  classes: number | null
  /** Every head that can learn this target: two classes train as yes/no (sigmoid) or as a softmax over two. */
  accepts: TaskKind[]
}

/** Why a target cannot be learnt: no target, a target of a type no head predicts, or fewer than two classes. */
export type NoTask = { reason: 'noTarget' } | { reason: 'targetType'; type: ColumnType } | { reason: 'oneClass'; classes: number }

/**
 * Decides the task from the target: a number column is regression; labels (images, texts, category and yes/no
 * columns) are classes: two are a yes/no answer (binary, which a two-unit softmax may also learn), more are
 * classification. Dates, free text and IDs are no target.
 */
export function decideTask(facts: TargetFacts): TaskDecision | NoTask {
  if (facts.kind === 'table') {
    if (facts.targetType === null) return { reason: 'noTarget' }
    if (facts.targetType === 'numeric') return { task: 'regression', classes: null, accepts: ['regression'] }
    if (facts.targetType !== 'categorical' && facts.targetType !== 'boolean') return { reason: 'targetType', type: facts.targetType }
  }
  if (facts.classes < 2) return { reason: 'oneClass', classes: facts.classes }
  if (facts.classes === 2) return { task: 'binary', classes: 2, accepts: ['binary', 'classification'] }
  return { task: 'classification', classes: facts.classes, accepts: ['classification'] }
}

/** True when the decision is a task (not a reason why there is none). */
export function isTaskDecision(d: TaskDecision | NoTask): d is TaskDecision {
  return 'task' in d
}

/** The task a model trains with on a dataset: the model's own head when the target accepts it, else the dataset's. */
export function taskFor(decision: TaskDecision, declared: TaskKind | undefined): TaskKind {
  return declared && decision.accepts.includes(declared) ? declared : decision.task
}

/** The task decision for a dataset as the store describes it: its kind, its target column's type, its classes. */
export function datasetTask(d: { kind: DatasetKind; target: string | null; columns: ReadonlyArray<{ name: string; type: ColumnType }>; classes: readonly unknown[] }): TaskDecision | NoTask {
  const targetType = d.kind === 'table' ? (d.columns.find((c) => c.name === d.target)?.type ?? null) : null
  return decideTask({ kind: d.kind, targetType, classes: d.classes.length })
}

/** What Build checks a model against, from a dataset's fit (dataset:fit): its input shape, task, accepted heads and classes. */
export function fitFromInfo(info: DatasetFitInfo): DatasetFit {
  return {
    ...(info.inputShape.length ? { inputShape: info.inputShape } : {}),
    ...(info.task ? { task: info.task, accepts: info.accepts } : {}),
    ...(info.classes !== null ? { classes: info.classes } : {})
  }
}
