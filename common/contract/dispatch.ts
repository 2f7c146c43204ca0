import type { z } from 'zod'
import { StrataError, toAppError, type Result } from '../errors'
import { CHANNELS, EVENTS, isChannelName, type ChannelArgs, type ChannelName, type ChannelOutput, type EventName, type EventPayload } from './channels'

/** The services' side of the contract: one handler per channel; a missing one is a compile error. */
export type Handlers<Ctx = void> = {
  [C in ChannelName]: (args: ChannelArgs<C>, ctx: Ctx) => Promise<ChannelOutput<C>> | ChannelOutput<C>
}

/** Sends an event to every connected renderer. */
export type EmitEvent = <E extends EventName>(event: E, payload: EventPayload<E>) => void

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'payload'}: ${issue.message}`)
    .join('; ')
}

/**
 * Validates an incoming request against the contract, calls its handler, validates what it returns,
 * and always resolves to a {@link Result}: a bad channel or payload never reaches the handler.
 */
export async function dispatch<Ctx>(handlers: Handlers<Ctx>, channel: unknown, payload: unknown, ctx: Ctx): Promise<Result<unknown>> {
  if (!isChannelName(channel)) {
    return { ok: false, error: new StrataError('UNKNOWN_CHANNEL', { channel: String(channel).slice(0, 80) }).toAppError() }
  }
  const def = CHANNELS[channel]
  const parsed = def.input.safeParse(payload ?? {})
  if (!parsed.success) {
    return {
      ok: false,
      error: new StrataError('INVALID_PAYLOAD', { channel, issues: describeIssues(parsed.error) }).toAppError()
    }
  }
  try {
    const handler = handlers[channel] as (args: unknown, ctx: Ctx) => unknown
    const value = await handler(parsed.data, ctx)
    return { ok: true, value: def.output.parse(value) }
  } catch (err) {
    return { ok: false, error: toAppError(err) }
  }
}

/** Checks an event payload against the contract before it is sent; throws on a programming error. */
export function checkEvent<E extends EventName>(event: E, payload: EventPayload<E>): EventPayload<E> {
  return EVENTS[event].parse(payload) as EventPayload<E>
}
