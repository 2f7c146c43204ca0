import { z } from 'zod'

/** One request/response channel: the schema of what the caller sends and of what it gets back. */
export interface ChannelDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I
  output: O
}

/** Declares a request/response channel; named `domain:verb` where it is registered. */
export function channel<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): ChannelDef<I, O> {
  return { input, output }
}

/** Declares an event stream's payload schema; named `domain:event` where it is registered. */
export function event<P extends z.ZodType>(payload: P): P {
  return payload
}

/** The input of a channel that takes nothing: an empty object (any field is refused). */
export const NoInput = z.object({}).strict()
