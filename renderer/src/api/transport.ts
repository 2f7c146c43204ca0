import type { Result } from '../../../common/errors'

/** How the renderer reaches the services: Electron's preload bridge, or the headless host's WebSocket. */
export interface Transport {
  mode: 'electron' | 'browser'
  invoke(channel: string, payload: unknown): Promise<Result<unknown>>
  on(event: string, listener: (payload: unknown) => void): () => void
  onConnectionLost(listener: () => void): void
}

function electronTransport(bridge: NonNullable<Window['strata']>): Transport {
  return {
    mode: 'electron',
    invoke: (channel, payload) => bridge.invoke(channel, payload) as Promise<Result<unknown>>,
    on: (event, listener) => bridge.on(event, listener),
    onConnectionLost: () => undefined
  }
}

function webSocketTransport(): Transport {
  const token = new URLSearchParams(location.search).get('token') ?? ''
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`
  const socket = new WebSocket(url)
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true })
    socket.addEventListener('error', () => reject(new Error('Could not connect to Strata.')), { once: true })
  })
  const pending = new Map<number, (result: Result<unknown>) => void>()
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const lostListeners: Array<() => void> = []
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
  socket.addEventListener('close', () => {
    for (const resolve of pending.values()) {
      resolve({ ok: false, error: { code: 'ENGINE_UNAVAILABLE', message: 'Connection to Strata lost.', params: { reason: 'connection lost' } } })
    }
    pending.clear()
    for (const l of lostListeners) l()
  })

  return {
    mode: 'browser',
    async invoke(channel, payload) {
      await opened
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
    onConnectionLost: (listener) => lostListeners.push(listener)
  }
}

let transport: Transport | null = null

/** The one transport of this page, made on first use. */
export function getTransport(): Transport {
  transport ??= window.strata ? electronTransport(window.strata) : webSocketTransport()
  return transport
}
