import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { socketProtocols } from '../../common/security'
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
  // Links inside the build that point out of it.
  fs.symlinkSync(path.join(home, 'secret.txt'), path.join(rendererDir, 'assets', 'linked.txt'))
  fs.symlinkSync(home, path.join(rendererDir, 'assets', 'linked-dir'))
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

/** Opens the socket offering `protocols` (the page offers socketProtocols(token)) and `query` on its URL. */
function connect(protocols: string[], headers: Record<string, string> = {}, query = ''): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, protocols, { headers })
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
    ['the page', '/', 200],
    ['an asset', '/assets/app.js', 200],
    ['a file outside the renderer', '/../secret.txt', 404],
    ['an encoded escape', '/%2e%2e/secret.txt', 404],
    ['a hidden name', '/.env', 404],
    ['a missing file', '/assets/none.js', 404]
  ] as const) {
    it(`GET ${label} → ${status}, with no credential asked or set`, async () => {
      const res = await fetch(base() + url)
      expect(res.status).toBe(status)
      expect(res.headers.get('set-cookie')).toBeNull()
    })
  }

  it('serves the page with its Content-Security-Policy, no referrer and no cookie, whatever the query', async () => {
    const page = await fetch(`${base()}/?token=${host.token}`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    expect(page.headers.get('set-cookie')).toBeNull()
    const asset = await fetch(`${base()}/assets/app.js`)
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
    expect((await connect([])).status).toBe(401)
    expect((await connect(['strata'])).status).toBe(401)
    expect((await connect(socketProtocols('wrong'))).status).toBe(403)
    expect((await connect(socketProtocols(host.token), { origin: 'http://evil.example' })).status).toBe(403)
    expect((await connect(socketProtocols(host.token), { origin: `http://127.0.0.1:${host.port + 1}` })).status).toBe(403)
    expect((await connect(socketProtocols(host.token), { origin: `https://127.0.0.1:${host.port}` })).status).toBe(403)
  })

  it('takes the token only as a subprotocol: not in the URL, not in a cookie', async () => {
    expect((await connect([], {}, `?token=${host.token}`)).status).toBe(401)
    expect((await connect([], { cookie: `strata_token=${host.token}` })).status).toBe(401)
  })

  it('answers the handshake with the socket protocol, never echoing the token', async () => {
    const { ws } = await connect(socketProtocols(host.token), { origin: `http://127.0.0.1:${host.port}` })
    expect(ws!.protocol).toBe('strata')
    ws!.close()
  })

  it('answers contract calls over the socket; an invalid payload gets a coded error and changes nothing', async () => {
    const { ws } = await connect(socketProtocols(host.token), { origin: `http://127.0.0.1:${host.port}` })
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

  it('errors reach the page without stack traces or absolute paths; the host logs what was cut', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const { ws } = await connect(socketProtocols(host.token), { origin: `http://127.0.0.1:${host.port}` })
    const texts: string[] = []
    ws!.on('message', (d) => texts.push(d.toString()))
    await call(ws!, 20, 'project:create', { name: 'Uploads' })
    // A file, then a folder of the same name: writing it fails inside the host (an unexpected error naming a path).
    await call(ws!, 21, 'dataset:upload', { uploadId: 'u1', files: [{ path: 'photos', base64: 'eA==' }] })
    const internal = await call(ws!, 22, 'dataset:upload', { uploadId: 'u1', files: [{ path: 'photos/cat.png', base64: 'eA==' }] })
    expect(internal.result).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.any(String) } })
    // A folder of no images: the refusal names the user's folder, not its place in the project's staging area.
    await call(ws!, 23, 'dataset:upload', { uploadId: 'u2', files: [{ path: 'photos/readme.txt', base64: 'eA==' }] })
    const noImages = await call(ws!, 24, 'dataset:import', { uploadId: 'u2' })
    expect(noImages.result).toMatchObject({ ok: false, error: { code: 'IMPORT_NO_IMAGES', params: { path: 'photos' } } })
    // A path the user typed comes back as its name only.
    const missing = await call(ws!, 25, 'project:open', { path: path.join(home, 'projects', 'Nowhere') })
    expect(missing.result).toMatchObject({ ok: false })
    for (const text of texts.filter((t) => JSON.parse(t).id >= 21)) {
      expect(text).not.toContain(home)
      expect(text).not.toContain('.staging')
      // No stack line (`\n    at fn (file.js:1:2)`) and no error class name.
      expect(text, text).not.toMatch(/\\n\s+at |:\d+:\d+\)|Error:/)
    }
    expect(logged.mock.calls.flat().join(' ')).toContain('.staging')
    logged.mockRestore()
    ws!.close()
  })

  it('closes a connection that sends a message over the size cap', async () => {
    const { ws } = await connect(socketProtocols(host.token))
    ws!.on('error', () => undefined)
    const closed = new Promise<number>((resolve) => ws!.once('close', (code) => resolve(code)))
    ws!.send('x'.repeat(MAX_MESSAGE_BYTES + 1))
    expect(await closed).toBe(1009)
  })
})

/** Writes raw bytes to the host and resolves to the status line it answers with ('' when it answers nothing in time). */
function rawRequest(bytes: string | Buffer, waitMs = 1500): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(host.port, '127.0.0.1', () => socket.write(bytes))
    let answer = ''
    const done = (): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(answer.split('\r\n')[0])
    }
    const timer = setTimeout(done, waitMs)
    socket.on('data', (d) => {
      answer += d.toString('latin1')
      if (answer.includes('\r\n')) done()
    })
    socket.on('error', done)
    socket.on('close', done)
  })
}

/** The host still serves its page: the check after every malformed request. */
async function stillServes(): Promise<void> {
  const res = await fetch(`${base()}/?token=${host.token}`)
  expect(res.status).toBe(200)
  await res.arrayBuffer()
}

describe('headless host under malformed requests', () => {
  const hostHeader = () => `Host: 127.0.0.1:${host.port}\r\n`
  const ws = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'
  const protocol = () => `Sec-WebSocket-Protocol: ${socketProtocols(host.token).join(', ')}\r\n`
  const cases: Array<[string, () => string | Buffer, number[]]> = [
    ['an absolute target the URL parser refuses', () => `GET http://[ HTTP/1.1\r\n${hostHeader()}\r\n`, [400]],
    ['the same target on a WebSocket upgrade', () => `GET http://[ HTTP/1.1\r\n${hostHeader()}${ws}\r\n`, [400]],
    ['a NUL escape in the path', () => `GET /%00 HTTP/1.1\r\n${hostHeader()}\r\n`, [400]],
    ['a NUL escape in an asset path', () => `GET /assets/app.js%00.png HTTP/1.1\r\n${hostHeader()}\r\n`, [400]],
    ['a malformed escape', () => `GET /%E0%A4%A HTTP/1.1\r\n${hostHeader()}\r\n`, [400]],
    ['a lone %', () => `GET /% HTTP/1.1\r\n${hostHeader()}\r\n`, [400]],
    ['an encoded slash escape', () => `GET /assets/..%2f..%2fsecret.txt HTTP/1.1\r\n${hostHeader()}\r\n`, [404]],
    ['a backslash escape', () => `GET /assets/..%5c..%5csecret.txt HTTP/1.1\r\n${hostHeader()}\r\n`, [404]],
    ['a link out of the build', () => `GET /assets/linked.txt HTTP/1.1\r\n${hostHeader()}\r\n`, [404]],
    ['a file under a linked folder', () => `GET /assets/linked-dir/secret.txt HTTP/1.1\r\n${hostHeader()}\r\n`, [404]],
    ['the asterisk target', () => `OPTIONS * HTTP/1.1\r\n${hostHeader()}\r\n`, [400, 405]],
    ['a network-path target', () => `GET //evil.example/x HTTP/1.1\r\n${hostHeader()}\r\n`, [400]],
    ['invalid UTF-8 in the target', () => Buffer.concat([Buffer.from('GET /\xff\xfe'.split('').map((c) => c.charCodeAt(0))), Buffer.from(` HTTP/1.1\r\n${hostHeader()}\r\n`)]), [400, 404]],
    ['a raw NUL in the request line', () => `GET /\u0000 HTTP/1.1\r\n${hostHeader()}\r\n`, [400]],
    ['a garbage request line', () => 'NOT A REQUEST\r\n\r\n', [400]],
    ['an unknown HTTP version', () => `GET / HTTP/9.9\r\n${hostHeader()}\r\n`, [400, 505]],
    ['a header without a colon', () => `GET / HTTP/1.1\r\n${hostHeader()}NoColonHere\r\n\r\n`, [400]],
    ['an empty Host header', () => 'GET / HTTP/1.1\r\nHost: \r\n\r\n', [400, 403]],
    ['two Host headers (the first counts)', () => `GET / HTTP/1.1\r\n${hostHeader()}Host: evil.example\r\n\r\n`, [200, 400, 403]],
    ['headers of 64 KiB', () => `GET / HTTP/1.1\r\n${hostHeader()}X-Big: ${'a'.repeat(65536)}\r\n\r\n`, [431]],
    ['a bad chunked body', () => `POST / HTTP/1.1\r\n${hostHeader()}Transfer-Encoding: chunked\r\n\r\nzz\r\n`, [400, 405]],
    ['conflicting body lengths', () => `POST / HTTP/1.1\r\n${hostHeader()}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, [400, 405]],
    ['a method other than GET', () => `DELETE / HTTP/1.1\r\n${hostHeader()}\r\n`, [405]],
    ['an upgrade whose query holds a malformed escape (never decoded, so harmless)', () => `GET /ws?x=%E0%A4%A HTTP/1.1\r\n${hostHeader()}${ws}${protocol()}\r\n`, [101]],
    ['an upgrade to a path with a malformed escape', () => `GET /ws%E0%A4%A HTTP/1.1\r\n${hostHeader()}${ws}${protocol()}\r\n`, [404]],
    ['an upgrade with a malformed subprotocol list', () => `GET /ws HTTP/1.1\r\n${hostHeader()}${ws}Sec-WebSocket-Protocol: ,,strata-token.,\u0001\r\n\r\n`, [400, 401, 403]],
    ['an upgrade without a key', () => `GET /ws HTTP/1.1\r\n${hostHeader()}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n${protocol()}\r\n`, [400]],
    ['an upgrade from a foreign origin', () => `GET /ws HTTP/1.1\r\n${hostHeader()}Origin: http://[\r\n${ws}${protocol()}\r\n`, [403]]
  ]
  for (const [label, bytes, statuses] of cases) {
    it(`${label}: the host answers ${statuses.join(' or ')} and stays up`, async () => {
      const line = await rawRequest(bytes())
      expect(statuses.map((n) => `HTTP/1.1 ${n}`)).toContain(line.slice(0, 12))
      await stillServes()
    })
  }

  it('a request cut off halfway, and a connection reset mid-handshake, leave it up', async () => {
    expect(await rawRequest(`GET /?token=${host.token} HTTP/1.1\r\nHo`, 300)).toBe('')
    const socket = net.connect(host.port, '127.0.0.1', () => {
      socket.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n${ws}${protocol()}\r\n`)
      socket.resetAndDestroy()
    })
    socket.on('error', () => undefined)
    await new Promise((resolve) => setTimeout(resolve, 200))
    await stillServes()
  })

  it('survives 300 requests made of random pieces of request lines, targets, headers and escapes', async () => {
    let seed = 18
    const rand = (n: number) => ((seed = (seed * 16807) % 2147483647) % n)
    const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'G\u0000T', '', 'GET GET', 'CONNECT']
    const targets = ['/', '/ws', '/%', '/%00', '/%zz', '/%E0%A4%A', 'http://[', 'http://[::1', '//x', '*', '/..%2f..%2f', '/index.html', '/?token=%', '/ws?token=', `/?token=${host.token}`, '/\u00ff', '/a\tb', '', '/' + 'x'.repeat(9000)]
    const versions = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2', 'HTTP/1.1 extra', '']
    const headers = [hostHeader(), 'Host: [\r\n', 'Host: 127.0.0.1\r\n', ws, 'Origin: null\r\n', 'Origin: http://[\r\n', 'Cookie: strata_token=%\r\n', 'Cookie: ===;;;\r\n', 'Content-Length: -1\r\n', 'Content-Length: 99999999999999999999\r\n', 'Transfer-Encoding: chunked\r\n', 'X: \u0000\r\n', ': empty\r\n', 'Sec-WebSocket-Protocol: \r\n', protocol(), 'Sec-WebSocket-Version: 99\r\n']
    for (let i = 0; i < 300; i++) {
      const head = `${pick(methods)} ${pick(targets)} ${pick(versions)}\r\n` + Array.from({ length: rand(4) }, () => pick(headers)).join('')
      const status = await rawRequest(`${head}\r\n`, 200)
      expect(status, JSON.stringify(head)).not.toMatch(/^HTTP\/1\.1 5/)
    }
    await stillServes()
  })

  it('answers malformed WebSocket messages with a coded error and keeps the connection', async () => {
    const { ws: socket } = await connect(socketProtocols(host.token))
    const answers: unknown[] = []
    socket!.on('message', (d) => answers.push(JSON.parse(d.toString())))
    for (const text of ['null', '[]', '"text"', '42', 'true', '{', '{"channel":{"x":1}}', '{"id":{"a":1},"channel":"app:info"}', '{"channel":"__proto__","payload":{}}', '{"channel":"constructor"}']) socket!.send(text)
    socket!.send(Buffer.from([0xff, 0x00, 0xfe]))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(answers).toHaveLength(11)
    for (const a of answers) expect(a).toMatchObject({ result: { ok: expect.any(Boolean) } })
    const info = await call(socket!, 7, 'app:info', {})
    expect(info.result.ok).toBe(true)
    socket!.close()
  })
})
