import { describe, expect, it } from 'vitest'
import { CHANNEL_NAMES, CHANNELS, dispatch, type Handlers } from './index'

/** Handlers that record every call, so a test can prove a handler was never reached. */
function recordingHandlers(): { handlers: Handlers; calls: string[] } {
  const calls: string[] = []
  const handlers = Object.fromEntries(
    CHANNEL_NAMES.map((name) => [
      name,
      () => {
        calls.push(name)
        throw new Error('not expected in this test')
      }
    ])
  ) as unknown as Handlers
  return { handlers, calls }
}

describe('dispatch', () => {
  it('refuses an unknown channel with a coded error', async () => {
    const { handlers, calls } = recordingHandlers()
    const result = await dispatch(handlers, 'project:delete-everything', {}, undefined)
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } })
    expect(calls).toEqual([])
  })

  // An object with an extra key, a number and a string are invalid for every channel (all inputs are strict objects).
  for (const channel of CHANNEL_NAMES) {
    for (const [label, payload] of [
      ['an unexpected field', { unexpected: true }],
      ['a number', 42],
      ['a string', 'hello']
    ] as const) {
      it(`channel=${channel}; payload=${label}: coded error, handler not called`, async () => {
        const { handlers, calls } = recordingHandlers()
        const result = await dispatch(handlers, channel, payload, undefined)
        expect(result.ok).toBe(false)
        if (!result.ok) {
          expect(result.error.code).toBe('INVALID_PAYLOAD')
          expect(result.error.message).toContain(channel)
        }
        expect(calls).toEqual([])
      })
    }
  }

  it('turns a thrown unexpected error into INTERNAL with detail, never a rejection', async () => {
    const { handlers } = recordingHandlers()
    const result = await dispatch(handlers, 'project:current', {}, undefined)
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    if (!result.ok) expect(result.error.detail).toContain('not expected in this test')
  })

  it('validates what a handler returns against the contract', async () => {
    const { handlers } = recordingHandlers()
    const broken = { ...handlers, 'project:current': () => ({ name: 42 }) } as unknown as Handlers
    const result = await dispatch(broken, 'project:current', {}, undefined)
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
  })

  it('every channel is named domain:verb', () => {
    for (const name of Object.keys(CHANNELS)) expect(name).toMatch(/^[a-z]+:[a-z-]+$/)
  })
})
