import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { checkEvent, dispatch, type EmitEvent, type Handlers } from '../../common/contract'
import { StrataError } from '../../common/errors'
import { CONTENT_SECURITY_POLICY } from '../../common/security'

/** Largest WebSocket message the host accepts; larger ones close the connection. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

const TOKEN_COOKIE = 'strata_token'

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

function cookieToken(req: http.IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === TOKEN_COOKIE) return v.join('=')
  }
  return null
}

function refuse(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(text)
}

/**
 * Starts the headless host: the built renderer over HTTP and the contract over a WebSocket,
 * both behind a random per-start token, bound to 127.0.0.1 unless told otherwise.
 */
export async function startHost(opts: HostOptions): Promise<RunningHost> {
  const token = opts.token ?? crypto.randomBytes(24).toString('hex')
  const bindHost = opts.host ?? '127.0.0.1'
  const rendererDir = path.resolve(opts.rendererDir)
  const sockets = new Set<WebSocket>()
  let port = 0

  const allowedHosts = (): Set<string> => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `${bindHost}:${port}`, `[::1]:${port}`])

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://placeholder')
    // A foreign Host header means DNS rebinding or a misdirected request.
    if (!allowedHosts().has(req.headers.host ?? '')) return refuse(res, 403, 'Forbidden: unexpected Host header.')
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.')
    const queryToken = url.searchParams.get('token')
    const given = queryToken ?? cookieToken(req)
    if (!given) return refuse(res, 401, 'Strata needs its access token: open the full address that "strata serve" printed (it ends with ?token=…).')
    if (!sameSecret(given, token)) return refuse(res, 403, 'This access token is not valid for this Strata session. Open the address that "strata serve" printed.')

    const relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)
    const file = path.resolve(rendererDir, '.' + relative)
    if (!file.startsWith(rendererDir + path.sep) || relative.split('/').some((p) => p.startsWith('.'))) {
      return refuse(res, 404, 'Not found.')
    }
    fs.stat(file, (err, stat) => {
      if (err || !stat.isFile()) return refuse(res, 404, 'Not found.')
      const headers: http.OutgoingHttpHeaders = {
        'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
        'Content-Length': stat.size,
        'Content-Security-Policy': CONTENT_SECURITY_POLICY + "; frame-ancestors 'none'",
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': file.endsWith('.html') ? 'no-store' : 'private, max-age=3600'
      }
      if (queryToken) headers['Set-Cookie'] = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`
      res.writeHead(200, headers)
      if (req.method === 'HEAD') return res.end()
      fs.createReadStream(file).pipe(res)
    })
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://placeholder')
    const reject = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    if (url.pathname !== '/ws') return reject(404, 'Not Found')
    if (!allowedHosts().has(req.headers.host ?? '')) return reject(403, 'Forbidden')
    const origin = req.headers.origin
    // Browsers always send Origin; it must be this host's own page. Non-browser clients send none.
    if (origin !== undefined && !allowedHosts().has(origin.replace(/^http:\/\//, ''))) return reject(403, 'Forbidden')
    const given = url.searchParams.get('token') ?? cookieToken(req)
    if (!given) return reject(401, 'Unauthorized')
    if (!sameSecret(given, token)) return reject(403, 'Forbidden')
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  wss.on('connection', (ws) => {
    sockets.add(ws)
    ws.on('close', () => sockets.delete(ws))
    // Oversized or malformed frames: ws closes the socket (1009/1002); nothing else to do but not crash.
    ws.on('error', () => sockets.delete(ws))
    ws.on('message', (data) => {
      let message: { id?: unknown; channel?: unknown; payload?: unknown }
      try {
        message = JSON.parse(data.toString()) as typeof message
      } catch {
        const error = new StrataError('INVALID_PAYLOAD', { channel: '?', issues: 'the message is not JSON' }).toAppError()
        ws.send(JSON.stringify({ id: null, result: { ok: false, error } }))
        return
      }
      void dispatch(opts.handlers, message.channel, message.payload, undefined).then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: message.id ?? null, result }))
      })
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
