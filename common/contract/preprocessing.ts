import { z } from 'zod'
import { TaskKind } from '../model/spec'

/** How one table column becomes model inputs: standardised numbers, 0/1 flags, or one-hot categories. */
export const FeatureEncoding = z.discriminatedUnion('type', [
  z.object({ column: z.string(), position: z.number().int().min(0), type: z.literal('number'), mean: z.number(), std: z.number() }),
  z.object({ column: z.string(), position: z.number().int().min(0), type: z.literal('flag'), truthy: z.array(z.string()) }),
  z.object({ column: z.string(), position: z.number().int().min(0), type: z.literal('onehot'), categories: z.array(z.string()) })
])
export type FeatureEncoding = z.infer<typeof FeatureEncoding>

/**
 * Everything needed to turn raw inputs into model inputs exactly as training did, and outputs back into answers.
 * Fitted by the engine on the training split, saved with the run, sent back to the engine to judge, predict and export.
 */
export const Preprocessing = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('images'),
    height: z.number().int().min(1),
    width: z.number().int().min(1),
    channels: z.number().int().min(1),
    scale: z.number(),
    classes: z.array(z.string()),
    task: TaskKind
  }),
  z.object({
    kind: z.literal('table'),
    features: z.array(FeatureEncoding),
    classes: z.array(z.string()).nullable(),
    target: z.string(),
    targetMean: z.number(),
    targetStd: z.number(),
    task: TaskKind
  }),
  z.object({
    kind: z.literal('text'),
    sequenceLength: z.number().int().min(1),
    vocabulary: z.array(z.string()),
    classes: z.array(z.string()),
    task: TaskKind,
    lowercase: z.literal(true)
  })
])
export type Preprocessing = z.infer<typeof Preprocessing>
