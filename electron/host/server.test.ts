import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Services } from '../services'
import { testServices } from '../services/services.test-helpers'
import { MAX_MESSAGE_BYTES, startHost, type RunningHost } from './server'

let home: string
let host: RunningHost
let services: Services

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-host-'))
  const rendererDir = path.join(home, 'renderer')
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true })
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Strata</title>')
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  fs.writeFileSync(path.join(home, 'secret.txt'), 'outside the renderer')
  let emit: (e: string, p: unknown) => void = () => undefined
  services = testServices(home, (e, p) => emit(e, p), {
    engine: { backends: async () => ({ backends: [{ id: 'cpu', available: true, features: {} }], chosen: 'cpu', checkedAt: new Date().toISOString() }) }
  })
  host = await startHost({ handlers: services.handlers, rendererDir })
  emit = (e, p) => {

    host.emit(e as 'project:changed', p as never)
  }
})

afterAll(async () => {
  await host.close()
  services.dispose()
  fs.rmSync(home, { recursive: true, force: true })
})

const base = () => `http://127.0.0.1:${host.port}`

function connect(query: string, headers: Record<string, string> = {}): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, { headers })
    ws.once('open', () => resolve({ ws }))
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }))
    ws.once('error', () => resolve({}))
  })
}

function call(ws: WebSocket, id: number, channel: string, payload: unknown): Promise<{ id: number; result: { ok: boolean; value?: unknown; error?: { code: string } } }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const message = JSON.parse(data.toString())
      if (message.id === id) {
        ws.off('message', onMessage)
        resolve(message)
      }
    }
    ws.on('message', onMessage)
    ws.send(JSON.stringify({ id, channel, payload }))
  })
}

describe('headless host', () => {
  it('binds 127.0.0.1 and prints a URL with the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`)
    expect(host.token).toMatch(/^[0-9a-f]{48}$/)
  })

  for (const [label, url, status] of [
    ['no token', '/', 401],
    ['a wrong token', '/?token=nope', 403],
    ['the token', '/?token=TOKEN', 200],
    ['the token, a file outside the renderer', '/../secret.txt?token=TOKEN', 404],
    ['the token, an encoded escape', '/%2e%2e/secret.txt?token=TOKEN', 404],
    ['no token, an asset', '/assets/app.js', 401]
  ] as const) {
    it(`GET with ${label} → ${status}`, async () => {
      const res = await fetch(base() + url.replace('TOKEN', host.token))
      expect(res.status).toBe(status)
    })
  }

  it('after the page loads with the token, assets load with the cookie it set', async () => {
    const page = await fetch(`${base()}/?token=${host.token}`)
    const cookie = page.headers.get('set-cookie')!.split(';')[0]
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    const asset = await fetch(`${base()}/assets/app.js`, { headers: { cookie } })
    expect(asset.status).toBe(200)
    expect(await asset.text()).toBe('console.log(1)')
  })

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await new Promise<number>((resolve) => {
      import('node:http').then(({ request }) => {
        const req = request({ host: '127.0.0.1', port: host.port, path: `/?token=${host.token}`, headers: { host: 'evil.example:80' } }, (r) => resolve(r.statusCode ?? 0))
        req.end()
      })
    })
    expect(res).toBe(403)
  })

  it('refuses a WebSocket without the token, with a wrong token, or from another origin', async () => {
    expect((await connect('')).status).toBe(401)
    expect((await connect('?token=wrong')).status).toBe(403)
    expect((await connect(`?token=${host.token}`, { origin: 'http://evil.example' })).status).toBe(403)
  })

  it('answers contract calls over the socket; an invalid payload gets a coded error and changes nothing', async () => {
    const { ws } = await connect(`?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` })
    expect(ws).toBeDefined()
    const bad = await call(ws!, 1, 'project:create', { name: '' })
    expect(bad.result).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } })
    expect(fs.existsSync(path.join(home, 'projects'))).toBe(false)

    const unknown = await call(ws!, 2, 'fs:read', { path: '/etc/passwd' })
    expect(unknown.result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } })

    const eventSeen = new Promise((resolve) => ws!.on('message', (d) => JSON.parse(d.toString()).event === 'project:changed' && resolve(true)))
    const created = await call(ws!, 3, 'project:create', { name: 'Sales forecast' })
    expect(created.result).toMatchObject({ ok: true, value: { name: 'Sales forecast' } })
    expect(await eventSeen).toBe(true)
    expect(fs.existsSync(path.join(home, 'projects', 'Sales forecast.strata', 'project.db'))).toBe(true)
    ws!.close()
  })

  it('closes a connection that sends a message over the size cap', async () => {
    const { ws } = await connect(`?token=${host.token}`)
    ws!.on('error', () => undefined)
    const closed = new Promise<number>((resolve) => ws!.once('close', (code) => resolve(code)))
    ws!.send('x'.repeat(MAX_MESSAGE_BYTES + 1))
    expect(await closed).toBe(1009)
  })
})
