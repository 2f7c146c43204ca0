import { applyChange } from './changes'
import type { LayerType, ParamValue, Shape } from './catalog'
import type { DatasetFit } from './infer'
import { autoLayout } from './layout'
import { MODEL_FORMAT, type ModelSpec, type TaskKind } from './spec'
import { TASK_HEADS, outputUnitsFor } from './task'

/** Stable template ids, as the CLI and the renderer name them. */
export const TEMPLATE_IDS = [
  'linear-regression',
  'tabular-classifier',
  'tabular-regressor',
  'mnist-mlp',
  'mnist-cnn',
  'mlp-3layer',
  'pretrained-image',
  'text-embedding',
  'text-lstm'
] as const
export type TemplateId = (typeof TEMPLATE_IDS)[number]

/** What a template is fitted to when no dataset says otherwise. */
export interface TemplateDefaults {
  inputShape: Shape
  classes: number
  task: TaskKind
}

type LayerStep = [LayerType, Record<string, ParamValue>?]

/** A starting model. Its name and description are under `build.templates.<id>` in the message table. */
export interface Template {
  id: TemplateId
  kind: 'tabular' | 'image' | 'text'
  defaults: TemplateDefaults
  /** The hidden layers between the input and the task head, for a given input shape. */
  body: (inputShape: Shape) => LayerStep[]
}

const flattenIfNeeded = (shape: Shape): LayerStep[] => (shape.length > 1 ? [['Flatten']] : [])

/** Every template, in the order the picker shows them. */
export const TEMPLATES: readonly Template[] = [
  { id: 'linear-regression', kind: 'tabular', defaults: { inputShape: [8], classes: 2, task: 'regression' }, body: flattenIfNeeded },
  {
    id: 'tabular-classifier',
    kind: 'tabular',
    defaults: { inputShape: [8], classes: 3, task: 'classification' },
    body: (s) => [...flattenIfNeeded(s), ['Dense', { units: 64, activation: 'relu' }], ['Dropout', { rate: 0.2 }], ['Dense', { units: 32, activation: 'relu' }]]
  },
  {
    id: 'tabular-regressor',
    kind: 'tabular',
    defaults: { inputShape: [8], classes: 2, task: 'regression' },
    body: (s) => [...flattenIfNeeded(s), ['Dense', { units: 64, activation: 'relu' }], ['Dense', { units: 32, activation: 'relu' }]]
  },
  {
    id: 'mnist-mlp',
    kind: 'image',
    defaults: { inputShape: [28, 28, 1], classes: 10, task: 'classification' },
    body: (s) => [...flattenIfNeeded(s), ['Dense', { units: 128, activation: 'relu' }]]
  },
  {
    id: 'mnist-cnn',
    kind: 'image',
    defaults: { inputShape: [28, 28, 1], classes: 10, task: 'classification' },
    body: () => [
      ['Conv2D', { filters: 32, kernelSize: 3, activation: 'relu', padding: 'valid' }],
      ['MaxPooling2D', { poolSize: 2 }],
      ['Conv2D', { filters: 64, kernelSize: 3, activation: 'relu', padding: 'valid' }],
      ['MaxPooling2D', { poolSize: 2 }],
      ['Flatten'],
      ['Dense', { units: 128, activation: 'relu' }]
    ]
  },
  {
    id: 'mlp-3layer',
    kind: 'image',
    defaults: { inputShape: [784], classes: 10, task: 'classification' },
    body: (s) => [...flattenIfNeeded(s), ['Dense', { units: 128, activation: 'relu' }], ['Dense', { units: 64, activation: 'relu' }]]
  },
  {
    id: 'pretrained-image',
    kind: 'image',
    defaults: { inputShape: [224, 224, 3], classes: 5, task: 'classification' },
    body: () => [
      // The base is chosen once one is imported; its default cut ends before its own classifier.
      ['PretrainedBase', { base: '' }],
      ['Dropout', { rate: 0.2 }]
    ]
  },
  {
    id: 'text-embedding',
    kind: 'text',
    defaults: { inputShape: [100], classes: 2, task: 'binary' },
    body: () => [['Embedding', { inputDim: 10000, outputDim: 16 }], ['GlobalAveragePooling1D'], ['Dense', { units: 16, activation: 'relu' }]]
  },
  {
    id: 'text-lstm',
    kind: 'text',
    defaults: { inputShape: [100], classes: 2, task: 'binary' },
    body: () => [['Embedding', { inputDim: 10000, outputDim: 64 }], ['LSTM', { units: 64 }]]
  }
]

/** True when `id` names a template. */
export function isTemplateId(id: unknown): id is TemplateId {
  return typeof id === 'string' && (TEMPLATE_IDS as readonly string[]).includes(id)
}

/** A template's starting point fitted to a dataset: its input shape, its number of classes and its task. */
export function fitToDataset(template: Template, fit: DatasetFit = {}): TemplateDefaults {
  // More than two classes turns a yes/no template into a classifier; regression templates ignore classes.
  const task = fit.task ?? (template.defaults.task === 'binary' && fit.classes !== undefined && fit.classes > 2 ? 'classification' : template.defaults.task)
  return {
    inputShape: fit.inputShape ?? template.defaults.inputShape,
    classes: fit.classes ?? template.defaults.classes,
    task
  }
}

/** Builds a template's model spec, fitted to a dataset (input shape, classes, task), laid out top to bottom. */
export function buildTemplate(id: TemplateId, fit: DatasetFit = {}, name?: string): ModelSpec {
  const template = TEMPLATES.find((t) => t.id === id)!
  const { inputShape, classes, task } = fitToDataset(template, fit)
  const head = TASK_HEADS[task]
  const units = outputUnitsFor({ kind: task, classes }) ?? classes
  const steps: LayerStep[] = [['Input', { shape: [...inputShape] }], ...template.body(inputShape), ['Dense', { units, activation: head.activation }]]
  const counters = new Map<string, number>()
  const nodes = steps.map(([type, params]) => {
    const prefix = type === 'Input' ? 'input' : type.toLowerCase()
    const k = (counters.get(prefix) ?? 0) + 1
    counters.set(prefix, k)
    return { id: `${prefix}_${k}`, type, params: { ...(params ?? {}) }, position: { x: 0, y: 0 } }
  })
  const edges = nodes.slice(1).map((n, i) => ({ id: `e_${i + 1}`, source: nodes[i].id, target: n.id }))
  const spec: ModelSpec = {
    format: MODEL_FORMAT,
    name: name ?? id,
    task: { kind: task, ...(task === 'classification' ? { classes } : {}) },
    nodes,
    edges
  }
  return applyChange(spec, autoLayout(spec)).spec
}
