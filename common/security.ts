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
