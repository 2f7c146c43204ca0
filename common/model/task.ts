import type { ActivationName } from './catalog'
/** What a model can predict: classes, a yes/no answer, or numbers. */
export const TASK_KINDS = ['classification', 'binary', 'regression'] as const
export type TaskKind = (typeof TASK_KINDS)[number]

/** How a task head trains: output activation, loss and metrics, by their TF.js and Keras names, and how labels are encoded. */
export interface TaskHead {
  activation: ActivationName
  loss: { tfjs: string; keras: string }
  metrics: { tfjs: string[]; keras: string[] }
  /** `one-hot`: a row of 0/1 per class; `binary`: one 0/1 value; `values`: the numbers to predict. */
  labels: 'one-hot' | 'binary' | 'values'
}

/** The head of each task. Classification trains on one-hot labels with categorical cross-entropy. */
export const TASK_HEADS: Readonly<Record<TaskKind, TaskHead>> = {
  classification: {
    activation: 'softmax',
    loss: { tfjs: 'categoricalCrossentropy', keras: 'categorical_crossentropy' },
    metrics: { tfjs: ['accuracy'], keras: ['accuracy'] },
    labels: 'one-hot'
  },
  binary: {
    activation: 'sigmoid',
    loss: { tfjs: 'binaryCrossentropy', keras: 'binary_crossentropy' },
    metrics: { tfjs: ['accuracy'], keras: ['accuracy'] },
    labels: 'binary'
  },
  regression: {
    activation: 'linear',
    loss: { tfjs: 'meanSquaredError', keras: 'mean_squared_error' },
    metrics: { tfjs: ['mae'], keras: ['mae'] },
    labels: 'values'
  }
}

/** How many output units a task needs: one per class, one for yes/no, one per predicted value. */
export function outputUnitsFor(task: { kind: TaskKind; classes?: number; outputs?: number }): number | undefined {
  if (task.kind === 'binary') return 1
  if (task.kind === 'regression') return task.outputs ?? 1
  return task.classes
}
