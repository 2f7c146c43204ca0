import type { Result } from '../../../common/errors'
import { socketProtocols } from '../../../common/security'

/** Why the page cannot talk to the services: no access token, a token the host refused, or a lost connection. */
export type ConnectionProblem = 'no-token' | 'refused' | 'lost'

/** How the renderer reaches the services: Electron's preload bridge, or the headless host's WebSocket. */
export interface Transport {
  mode: 'electron' | 'browser'
  invoke(channel: string, payload: unknown): Promise<Result<unknown>>
  on(event: string, listener: (payload: unknown) => void): () => void
  onConnectionLost(listener: (problem: ConnectionProblem) => void): void
}

/** Where the page keeps its access token: this tab's session storage, which no other origin (port) can read. */
const TOKEN_KEY = 'strata.token'

/**
 * The host's access token. The address "strata serve" prints carries it once (`?token=…`): it is taken from there,
 * kept in this tab's session storage (so a reload still has it) and removed from the address bar and the history
 * entry, so it is never shown, bookmarked or sent anywhere but on the studio's own socket.
 */
export function accessToken(): string | null {
  const url = new URL(location.href)
  const given = url.searchParams.get('token')
  if (given !== null) {
    sessionStorage.setItem(TOKEN_KEY, given)
    url.searchParams.delete('token')
    history.replaceState(history.state, '', url.pathname + url.search + url.hash)
  }
  return given ?? sessionStorage.getItem(TOKEN_KEY)
}

function electronTransport(bridge: NonNullable<Window['strata']>): Transport {
  return {
    mode: 'electron',
    invoke: (channel, payload) => bridge.invoke(channel, payload) as Promise<Result<unknown>>,
    on: (event, listener) => bridge.on(event, listener),
    onConnectionLost: () => undefined
  }
}

const UNREACHABLE: Result<unknown> = { ok: false, error: { code: 'ENGINE_UNAVAILABLE', message: 'Connection to Strata lost.', params: { reason: 'connection lost' } } }

function webSocketTransport(): Transport {
  const token = accessToken()
  const pending = new Map<number, (result: Result<unknown>) => void>()
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const lostListeners: Array<(problem: ConnectionProblem) => void> = []
  let problem: ConnectionProblem | null = null
  const fail = (next: ConnectionProblem): void => {
    problem = next
    for (const resolve of pending.values()) resolve(UNREACHABLE)
    pending.clear()
    for (const l of lostListeners) l(next)
  }
  if (!token) {
    return {
      mode: 'browser',
      invoke: async () => UNREACHABLE,
      on: () => () => undefined,
      onConnectionLost: (listener) => listener('no-token')
    }
  }
  const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`, socketProtocols(token))
  let open = false
  const opened = new Promise<boolean>((resolve) => {
    socket.addEventListener('open', () => resolve((open = true)), { once: true })
    socket.addEventListener('close', () => resolve(false), { once: true })
  })
  let nextId = 1

  socket.addEventListener('message', (message: MessageEvent<string>) => {
    const data = JSON.parse(message.data) as { id?: number; result?: Result<unknown>; event?: string; payload?: unknown }
    if (data.event) {
      for (const listener of listeners.get(data.event) ?? []) listener(data.payload)
    } else if (typeof data.id === 'number' && data.result) {
      pending.get(data.id)?.(data.result)
      pending.delete(data.id)
    }
  })
  // A socket that closes before it ever opened was refused: the host did not take this token.
  socket.addEventListener('close', () => fail(open ? 'lost' : 'refused'))

  return {
    mode: 'browser',
    async invoke(channel, payload) {
      if (!(await opened) || problem) return UNREACHABLE
      const id = nextId++
      return new Promise((resolve) => {
        pending.set(id, resolve)
        socket.send(JSON.stringify({ id, channel, payload }))
      })
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      set.add(listener)
      listeners.set(event, set)
      return () => set.delete(listener)
    },
    onConnectionLost: (listener) => {
      lostListeners.push(listener)
      if (problem) listener(problem)
    }
  }
}

let transport: Transport | null = null

/** The one transport of this page, made on first use. */
export function getTransport(): Transport {
  transport ??= window.strata ? electronTransport(window.strata) : webSocketTransport()
  return transport
}
