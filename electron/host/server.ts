import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { pipeline } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { checkEvent, dispatch, type EmitEvent, type Handlers } from '../../common/contract'
import { forClient, StrataError, type Result } from '../../common/errors'
import { CONTENT_SECURITY_POLICY, SOCKET_PROTOCOL, tokenFromProtocols } from '../../common/security'
import { isInside } from '../services/path-access'

/** Largest WebSocket message the host accepts; larger ones close the connection. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2'
}

/** How to start a headless host. */
export interface HostOptions {
  handlers: Handlers
  rendererDir: string
  host?: string
  port?: number
  token?: string
}

/** A running headless host. */
export interface RunningHost {
  url: string
  port: number
  token: string
  emit: EmitEvent
  close(): Promise<void>
}

function sameSecret(given: string | null | undefined, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && crypto.timingSafeEqual(a, b)
}

function refuse(res: http.ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' })
  res.end(text)
}

/** Logs an error of the host itself on its own output; clients never see it. */
function logHostError(what: string, err: unknown): void {
  console.error(`strata: ${what}:`, err)
}

/**
 * The path and query of a request target, or null when it is not one this host answers: only origin-form targets
 * (`/path?query`) are, never absolute URLs (`http://…`, which proxies take), `*`, or anything the URL parser refuses.
 */
export function parseTarget(target: string | undefined): URL | null {
  if (!target || !target.startsWith('/') || target.startsWith('//')) return null
  try {
    return new URL(target, 'http://strata.invalid')
  } catch {
    return null
  }
}

/**
 * The renderer file a URL path names, or a status to refuse it with: 400 for a path that cannot be decoded or holds
 * a NUL, 404 for hidden names, backslashes and anything that resolves (after following links) outside the build.
 */
async function staticFile(rendererReal: string, pathname: string): Promise<{ file: string; size: number } | { status: 400 | 404 }> {
  let relative: string
  try {
    relative = decodeURIComponent(pathname === '/' ? '/index.html' : pathname)
  } catch {
    return { status: 400 }
  }
  if (relative.includes('\0')) return { status: 400 }
  if (relative.includes('\\') || relative.split('/').some((part) => part.startsWith('.'))) return { status: 404 }
  const file = path.resolve(rendererReal, '.' + relative)
  if (!isInside(file, rendererReal)) return { status: 404 }
  try {
    // A link inside the build that points out of it is not followed.
    const real = await fs.promises.realpath(file)
    if (!isInside(real, rendererReal)) return { status: 404 }
    const stat = await fs.promises.stat(real)
    return stat.isFile() ? { file: real, size: stat.size } : { status: 404 }
  } catch {
    return { status: 404 }
  }
}

/**
 * Starts the headless host: the built renderer over HTTP (public files) and the contract over a WebSocket behind a
 * random per-start token carried as a subprotocol, bound to 127.0.0.1 unless told otherwise. No request, however malformed,
 * ends the host: bad targets, escapes and headers get a 4xx answer, and a failure of its own a 500 without details.
 */
export async function startHost(opts: HostOptions): Promise<RunningHost> {
  const token = opts.token ?? crypto.randomBytes(24).toString('hex')
  const bindHost = opts.host ?? '127.0.0.1'
  const rendererDir = path.resolve(opts.rendererDir)
  const rendererReal = await fs.promises.realpath(rendererDir).catch(() => rendererDir)
  const sockets = new Set<WebSocket>()
  let port = 0

  const allowedHosts = (): Set<string> => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `${bindHost}:${port}`, `[::1]:${port}`])
  const allowedOrigins = (): Set<string> => new Set([...allowedHosts()].map((h) => `http://${h}`))

  async function answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // A foreign Host header means DNS rebinding or a misdirected request.
    if (!allowedHosts().has(req.headers.host ?? '')) return refuse(res, 403, 'Forbidden: unexpected Host header.')
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.')
    const url = parseTarget(req.url)
    if (!url) return refuse(res, 400, 'Bad request.')
    // The renderer build is public: its files need no credential (the page takes the token from its address and
    // sends it on the socket only), so no cookie is set that other local servers would also receive.
    const found = await staticFile(rendererReal, url.pathname)
    if ('status' in found) return refuse(res, found.status, found.status === 400 ? 'Bad request.' : 'Not found.')
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': MIME[path.extname(found.file)] ?? 'application/octet-stream',
      'Content-Length': found.size,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY + "; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': found.file.endsWith('.html') ? 'no-store' : 'private, max-age=3600'
    }
    res.writeHead(200, headers)
    if (req.method === 'HEAD') return void res.end()
    // A file that goes away or fails mid-read ends this response only.
    pipeline(fs.createReadStream(found.file), res, (err) => err && res.destroy())
  }

  const server = http.createServer((req, res) => {
    answer(req, res).catch((err: unknown) => {
      logHostError('could not answer a request', err)
      refuse(res, 500, 'Strata could not answer this request.')
    })
  })
  // Requests Node's parser refuses (bad request lines, headers, sizes) get a plain 400 (431 for huge headers).
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy()
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request'
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  })

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    // The answer names the socket's own subprotocol, never the one carrying the token.
    handleProtocols: (offered: Set<string>) => (offered.has(SOCKET_PROTOCOL) ? SOCKET_PROTOCOL : false)
  })
  const upgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    // A client that resets mid-handshake must not take the host down with it.
    socket.on('error', () => socket.destroy())
    const reject = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    const url = parseTarget(req.url)
    if (!url) return reject(400, 'Bad Request')
    if (url.pathname !== '/ws') return reject(404, 'Not Found')
    if (!allowedHosts().has(req.headers.host ?? '')) return reject(403, 'Forbidden')
    const origin = req.headers.origin
    // Browsers always send Origin; it must be this host's own page. Non-browser clients send none.
    if (origin !== undefined && !allowedOrigins().has(origin)) return reject(403, 'Forbidden')
    // The token travels as a subprotocol (see socketProtocols); never in the URL, which logs and histories keep.
    const given = tokenFromProtocols(req.headers['sec-websocket-protocol'])
    if (!given) return reject(401, 'Unauthorized')
    if (!sameSecret(given, token)) return reject(403, 'Forbidden')
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  }
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      upgrade(req, socket, head)
    } catch (err) {
      logHostError('could not answer a WebSocket handshake', err)
      socket.destroy()
    }
  })

  const reply = (ws: WebSocket, id: unknown, result: Result<unknown>): void => {
    // Stacks and absolute paths stay on the host (logged); the page gets a code, a plain message and file names.
    const sent: Result<unknown> = result.ok ? result : { ok: false, error: forClient(result.error, (e) => logHostError(`${e.code} error`, e.detail ?? e.message)) }
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: typeof id === 'number' || typeof id === 'string' ? id : null, result: sent }))
  }

  wss.on('connection', (ws) => {
    sockets.add(ws)
    ws.on('close', () => sockets.delete(ws))
    // Oversized or malformed frames: ws closes the socket (1009/1002); nothing else to do but not crash.
    ws.on('error', () => sockets.delete(ws))
    ws.on('message', (data) => {
      let message: unknown
      try {
        message = JSON.parse(data.toString())
      } catch {
        message = undefined
      }
      if (typeof message !== 'object' || message === null || Array.isArray(message)) {
        const error = new StrataError('INVALID_PAYLOAD', { channel: '?', issues: 'the message is not a JSON object' }).toAppError()
        return reply(ws, null, { ok: false, error })
      }
      const { id, channel, payload } = message as { id?: unknown; channel?: unknown; payload?: unknown }
      dispatch(opts.handlers, channel, payload, undefined)
        .then((result) => reply(ws, id, result))
        .catch((err: unknown) => logHostError('could not answer a WebSocket message', err))
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, bindHost, () => resolve())
  })
  port = (server.address() as AddressInfo).port
  const shownHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost

  const emit: EmitEvent = (event, payload) => {
    const text = JSON.stringify({ event, payload: checkEvent(event, payload) })
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text)
  }

  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/?token=${token}`,
    port,
    token,
    emit,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of sockets) ws.terminate()
        wss.close()
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
