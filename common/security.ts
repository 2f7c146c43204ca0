/** The renderer's Content-Security-Policy: injected into index.html at build time and sent as a header by the headless host. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // wasm-unsafe-eval lets TensorFlow.js compile WebAssembly; no eval of JavaScript is allowed.
  "script-src 'self' 'wasm-unsafe-eval'",
  // Vue, ECharts and the graph canvas set inline style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  // Monaco's language workers are same-origin files or blobs.
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'"
].join('; ')

/**
 * The URL itself when it is a plain web address Strata may hand to the system browser: http or https, no user name or
 * password, and written exactly as the URL parser writes it back (so nothing in it is left for a shell or an opener
 * to read differently); null otherwise.
 */
export function safeExternalUrl(url: string): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null
  if (parsed.username || parsed.password || !parsed.hostname) return null
  return parsed.href === url ? url : null
}

/** The WebSocket subprotocol the studio's socket speaks; the host answers with it. */
export const SOCKET_PROTOCOL = 'strata'

const TOKEN_PROTOCOL_PREFIX = 'strata-token.'

/**
 * The subprotocols a client offers when it opens the studio's socket: the socket's own and one carrying the access
 * token. A Sec-WebSocket-Protocol header goes only to the server the socket connects to, unlike a cookie, which a
 * browser also sends to every other server on the same host name whatever its port.
 */
export function socketProtocols(token: string): string[] {
  return [SOCKET_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token]
}

/** The access token among the subprotocols a client offered (a Sec-WebSocket-Protocol header), or null. */
export function tokenFromProtocols(header: string | undefined): string | null {
  for (const part of (header ?? '').split(',')) {
    const name = part.trim()
    if (name.startsWith(TOKEN_PROTOCOL_PREFIX)) return name.slice(TOKEN_PROTOCOL_PREFIX.length)
  }
  return null
}
