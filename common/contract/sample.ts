import { z } from 'zod'
import { channel, event, NoInput } from './define'
import { ProjectSummary } from './project'

/** A sample project as Home lists it; its name and description are under `samples.<id>` in the message table. */
export const SampleLine = z.object({
  id: z.string(),
  /** The project folder once the sample was created, else null. */
  path: z.string().nullable()
})
export type SampleLine = z.infer<typeof SampleLine>

/** Sample-project channels. */
export const SAMPLE_CHANNELS = {
  'sample:list': channel(NoInput, z.array(SampleLine)),
  /** `quick` makes a smaller, faster version of a sample (fewer images, fewer epochs) for a first look. */
  'sample:open': channel(z.object({ id: z.string().regex(/^[a-z0-9-]{1,64}$/), quick: z.boolean().default(false) }).strict(), ProjectSummary)
}

/** Sample-project events: what is being prepared, and how far. */
export const SAMPLE_EVENTS = {
  'sample:progress': event(z.object({ id: z.string(), step: z.enum(['project', 'data', 'model', 'done']), done: z.number(), total: z.number() }))
}
