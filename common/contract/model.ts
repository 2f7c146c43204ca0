import { z } from 'zod'
import { TEMPLATE_IDS } from '../model/templates'
import { LAYER_TYPES, type LayerType } from '../model/catalog'
import { ModelSpecSchema, ParamValueSchema, TaskKind } from '../model/spec'
import { channel, event, NoInput } from './define'

/** A dataset's facts a template is fitted to: shape of one example, number of classes, task. */
export const DatasetFitSchema = z
  .object({
    inputShape: z.array(z.number().int().positive()).min(1).max(8).optional(),
    classes: z.number().int().min(2).max(100_000).optional(),
    task: TaskKind.optional(),
    /** Every head that can learn the dataset's target (defaults to `task` alone). */
    accepts: z.array(TaskKind).optional()
  })
  .strict()

/** A saved model at one version. */
export const ModelRecord = z.object({
  id: z.string(),
  name: z.string(),
  datasetId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
  spec: ModelSpecSchema
})
export type ModelRecord = z.infer<typeof ModelRecord>

/** A line of the model list. */
export const ModelLine = ModelRecord.omit({ spec: true })
export type ModelLine = z.infer<typeof ModelLine>

/** A template as the picker lists it; names and descriptions are under `build.templates.<id>`. */
export const TemplateInfo = z.object({
  id: z.enum(TEMPLATE_IDS),
  kind: z.enum(['tabular', 'image', 'text']),
  inputShape: z.array(z.number()),
  classes: z.number(),
  task: TaskKind
})
export type TemplateInfo = z.infer<typeof TemplateInfo>

/** A pretrained base imported into the project, described as catalog layers (see common/model/bases.ts). */
export const BaseInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  inputShape: z.array(z.number().int()),
  layers: z.array(
    z.object({
      name: z.string(),
      source: z.string(),
      type: z.enum(LAYER_TYPES as [LayerType, ...LayerType[]]),
      params: z.record(z.string(), ParamValueSchema),
      inputs: z.array(z.string()),
      outputShape: z.array(z.number().int()),
      paramCount: z.number().int(),
      flops: z.number()
    })
  ),
  defaultCut: z.string(),
  sha256: z.string()
})

const ModelId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)

/** Model channels. */
export const MODEL_CHANNELS = {
  'model:templates': channel(NoInput, z.array(TemplateInfo)),
  'model:create': channel(
    z
      .object({
        name: z.string().trim().min(1).max(120).optional(),
        template: z.enum(TEMPLATE_IDS).optional(),
        spec: ModelSpecSchema.optional(),
        fit: DatasetFitSchema.optional(),
        datasetId: z.string().max(64).optional(),
        /** The imported pretrained base a template's PretrainedBase layer uses (its Input takes the base's shape). */
        base: z.string().max(64).optional()
      })
      .strict(),
    ModelRecord
  ),
  /** Fits a model to a dataset (its input shape, task head and output units) and saves that as a new version. */
  'model:fit-dataset': channel(z.object({ id: ModelId, datasetId: z.string().max(64) }).strict(), ModelRecord),
  'model:list': channel(NoInput, z.array(ModelLine)),
  'model:get': channel(z.object({ id: ModelId, version: z.number().int().positive().optional() }).strict(), ModelRecord),
  'model:save': channel(
    z.object({ id: ModelId, spec: ModelSpecSchema, name: z.string().trim().min(1).max(120).optional() }).strict(),
    z.object({ id: z.string(), version: z.number().int(), updatedAt: z.string(), changed: z.boolean() })
  ),
  /** The pretrained bases imported into the open project. */
  'model:bases': channel(NoInput, z.array(BaseInfoSchema)),
  /** Copies a TF.js layers model into the project as a base: its folder or model.json on this computer, or a finished upload (browser mode). */
  'model:import-base': channel(
    z
      .object({ path: z.string().min(1).max(4096).optional(), uploadId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(), name: z.string().trim().min(1).max(120).optional() })
      .strict()
      .refine((r) => Boolean(r.path) !== Boolean(r.uploadId), { message: 'give a path or an uploadId' }),
    BaseInfoSchema
  ),
  /**
   * Downloads a TF.js layers model once into the app's cache (checked against its sha256, with progress events), then
   * imports it as a base. Fails plainly when the address cannot be reached (offline): pick a model file instead.
   */
  'model:download-base': channel(
    z
      .object({
        name: z.string().trim().min(1).max(120),
        url: z.string().url().regex(/^https?:\/\//),
        sha256: z.string().regex(/^[0-9a-fA-F]{64}$/),
        /** Chosen by the caller so it can cancel the download while it runs. */
        downloadId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional()
      })
      .strict(),
    BaseInfoSchema
  ),
  /** Stops a running base download (nothing is kept); false when none runs under that id. */
  'model:cancel-download': channel(z.object({ downloadId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }).strict(), z.object({ cancelled: z.boolean() })),
  'model:code': channel(
    z.object({ id: ModelId, version: z.number().int().positive().optional(), lang: z.enum(['tfjs', 'keras']) }).strict(),
    z.object({ code: z.string() })
  )
}

/** Model events. */
export const MODEL_EVENTS = {
  /** Bytes of a base download received so far (total once the model's manifest is read). */
  'model:download-progress': event(z.object({ name: z.string(), downloadId: z.string().optional(), done: z.number().int(), total: z.number().int().nullable() }))
}
