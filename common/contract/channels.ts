import type { z } from 'zod'
import { APP_CHANNELS } from './app'
import { DATASET_CHANNELS, DATASET_EVENTS } from './dataset'
import { ENGINE_CHANNELS } from './engine'
import { EXPORT_CHANNELS, EXPORT_EVENTS } from './export'
import { EVALUATION_CHANNELS, EVALUATION_EVENTS } from './evaluation'
import { EXPERIMENT_CHANNELS } from './experiments'
import { MODEL_CHANNELS, MODEL_EVENTS } from './model'
import { PROJECT_CHANNELS, PROJECT_EVENTS } from './project'
import { SAMPLE_CHANNELS, SAMPLE_EVENTS } from './sample'
import { TRAINING_CHANNELS, TRAINING_EVENTS } from './training'

/** Every request/response channel of Strata: the one contract between the renderer and the services. */
export const CHANNELS = {
  ...APP_CHANNELS,
  ...PROJECT_CHANNELS,
  ...ENGINE_CHANNELS,
  ...TRAINING_CHANNELS,
  ...DATASET_CHANNELS,
  ...MODEL_CHANNELS,
  ...SAMPLE_CHANNELS,
  ...EXPORT_CHANNELS,
  ...EVALUATION_CHANNELS,
  ...EXPERIMENT_CHANNELS
}

/** Every event stream the services push to the renderer. */
export const EVENTS = {
  ...PROJECT_EVENTS,
  ...TRAINING_EVENTS,
  ...DATASET_EVENTS,
  ...SAMPLE_EVENTS,
  ...MODEL_EVENTS,
  ...EXPORT_EVENTS,
  ...EVALUATION_EVENTS
}

/** A request/response channel name such as `project:create`. */
export type ChannelName = keyof typeof CHANNELS
/** An event name such as `project:changed`. */
export type EventName = keyof typeof EVENTS
/** What a caller passes to a channel (before defaults are applied). */
export type ChannelInput<C extends ChannelName> = z.input<(typeof CHANNELS)[C]['input']>
/** What a handler receives for a channel (after validation and defaults). */
export type ChannelArgs<C extends ChannelName> = z.output<(typeof CHANNELS)[C]['input']>
/** What a channel resolves to. */
export type ChannelOutput<C extends ChannelName> = z.output<(typeof CHANNELS)[C]['output']>
/** An event's payload. */
export type EventPayload<E extends EventName> = z.output<(typeof EVENTS)[E]>

/** All channel names, for adapters that register each one. */
export const CHANNEL_NAMES = Object.keys(CHANNELS) as ChannelName[]
/** All event names. */
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[]

/** True when `name` is a contract channel. */
export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.hasOwn(CHANNELS, name)
}

/** True when `name` is a contract event. */
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(EVENTS, name)
}
