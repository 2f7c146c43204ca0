import { z } from 'zod'
import { channel } from './define'

/** Training backends, best first. */
export const BACKEND_IDS = ['node-gpu', 'node', 'wasm', 'cpu'] as const
export const BackendId = z.enum(BACKEND_IDS)
export type BackendId = z.infer<typeof BackendId>

/** A plain-language reason, as a message key under `backends.reasons` and its parameters. */
export const Reason = z.object({
  key: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).default({})
})
export type Reason = z.infer<typeof Reason>

/** Whether one backend can train here and, if not, why. */
export const BackendStatus = z.object({
  id: BackendId,
  available: z.boolean(),
  reason: Reason.optional(),
  detail: z.string().optional(),
  features: z.record(z.string(), z.boolean()).default({})
})
export type BackendStatus = z.infer<typeof BackendStatus>

/** Every backend's status, best first, and the one training will use. */
export const BackendReport = z.object({
  backends: z.array(BackendStatus),
  chosen: BackendId,
  checkedAt: z.string()
})
export type BackendReport = z.infer<typeof BackendReport>

/** Engine channels. */
export const ENGINE_CHANNELS = {
  'engine:backends': channel(z.object({ refresh: z.boolean().optional() }).strict(), BackendReport)
}
