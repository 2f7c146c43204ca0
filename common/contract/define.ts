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

/** Bounds for a number input: what the schema allows, in the `min`/`max`/`step` attributes of `<input type="number">`. */
export interface NumberInputBounds {
  min?: number
  max?: number
  step?: number
}

// zod keeps a number's bounds as checks on its definition; `_zod.def` is the introspection zod 4 offers.
type BoundCheck = { check: string; value?: unknown; inclusive?: boolean }

/**
 * The bounds a number schema (inside any default or optional) puts on its value, as a number input's attributes.
 * An input's `min` and `max` are inclusive, so a bound the schema excludes (`positive()`) moves in by `step`, or
 * is left out when no step is given.
 */
export function numberInputBounds(schema: z.ZodType, step?: number): NumberInputBounds {
  let inner: z.ZodType = schema
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType
  if (!(inner instanceof z.ZodNumber)) throw new Error('numberInputBounds needs a number schema')
  const out: NumberInputBounds = step === undefined ? {} : { step }
  for (const check of inner.def.checks ?? []) {
    const def = check._zod.def as BoundCheck
    if (typeof def.value !== 'number') continue
    const inward = def.inclusive ? 0 : step
    if (inward === undefined) continue
    if (def.check === 'greater_than') out.min = Math.max(out.min ?? -Infinity, def.value + inward)
    if (def.check === 'less_than') out.max = Math.min(out.max ?? Infinity, def.value - inward)
  }
  return out
}
