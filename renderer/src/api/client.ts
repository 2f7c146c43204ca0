import type { ChannelInput, ChannelName, ChannelOutput, EventName, EventPayload } from '../../../common/contract/channels'
import type { AppError } from '../../../common/errors'
import { getTransport, type ConnectionProblem } from './transport'

/** A coded error from the services, thrown by {@link invoke} so callers can show its plain-language message. */
export class ApiError extends Error {
  constructor(readonly error: AppError) {
    super(error.message)
    this.name = 'ApiError'
  }
}

/** Calls a contract channel; resolves to its typed output or throws an {@link ApiError}. */
export async function invoke<C extends ChannelName>(channel: C, payload: ChannelInput<C>): Promise<ChannelOutput<C>> {
  const result = await getTransport().invoke(channel, payload)
  if (!result.ok) throw new ApiError(result.error)
  return result.value as ChannelOutput<C>
}

/** Listens to a contract event; returns the function that stops listening. */
export function on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return getTransport().on(event, (payload) => listener(payload as EventPayload<E>))
}

/** Calls back when the page cannot reach the services, saying why (browser mode only). */
export function onConnectionLost(listener: (problem: ConnectionProblem) => void): void {
  getTransport().onConnectionLost(listener)
}
