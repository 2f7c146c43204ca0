// Connects a Node process, standing in for Electron's main process, to the GPU engine Worker in a Chromium page
// driven by Playwright: the e2e tests and the GPU bench use it.
import path from 'node:path'
import { build } from 'esbuild'
import type { Page } from '@playwright/test'
import { GPU_ENGINE_PORT_MESSAGE } from '../../common/gpu-engine'
import type { GpuHost } from '../../electron/engine/gpu/gpu-engine-port'
import type { FromGpuWorker, ToGpuWorker } from '../../electron/engine/gpu/gpu-protocol'

/** Chromium switches for the GPU engine pages: SwiftShader WebGL where no GPU is, and WebGPU. */
export const GPU_CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu', '--no-first-run', '--disable-background-networking']

/** Bundles the GPU engine's Worker with the test hooks (test-worker.ts) for a browser, as one script. */
export async function bundleTestWorker(): Promise<string> {
  const out = await build({ entryPoints: [path.join(__dirname, 'test-worker.ts')], bundle: true, format: 'iife', platform: 'browser', write: false, logLevel: 'silent' })
  return out.outputFiles[0].text
}

/** Typed arrays cross Playwright's bridge as base64 (the real port copies them by structured clone). */
type Wire = unknown
function encode(value: unknown): Wire {
  if (ArrayBuffer.isView(value)) return { $typed: value.constructor.name, b64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') }
  if (Array.isArray(value)) return value.map(encode)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]))
  return value
}
function decode(value: Wire): unknown {
  if (Array.isArray(value)) return value.map(decode)
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>
    if (typeof v.$typed === 'string') {
      const bytes = Buffer.from(v.b64 as string, 'base64')
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
      return v.$typed === 'Float32Array' ? new Float32Array(buffer) : new Uint8Array(buffer)
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]))
  }
  return value
}

interface Bridge {
  strataToMain(message: Wire): void
  strataToWorker(message: Wire): void
  strataHook(message: object): Promise<{ value?: unknown; error?: string }>
}

/** Opens a page whose Worker runs the GPU engine (with the test hooks), and a GpuHost for it. */
export async function gpuPage(page: Page, workerCode: string): Promise<{ host: GpuHost; hook: <T>(message: object) => Promise<T> }> {
  await page.route('http://localhost/**', (route) =>
    route.request().url().endsWith('/worker.js')
      ? route.fulfill({ body: workerCode, contentType: 'text/javascript' })
      : route.fulfill({ body: '<!doctype html><title>GPU engine</title>', contentType: 'text/html' })
  )
  // localhost is a secure context, which WebGPU needs.
  await page.goto('http://localhost/index.html')
  return bridge(page, 'test-worker')
}

/**
 * Connects this test process, standing in for main, to the GPU engine Worker of an open page: either a Worker
 * started here from the test bundle, or the built page's own Worker, handed its port as the preload would.
 */
export async function bridge(page: Page, worker: 'test-worker' | 'built-page'): Promise<{ host: GpuHost; hook: <T>(message: object) => Promise<T> }> {
  const listeners: Array<(m: FromGpuWorker) => void> = []
  await page.exposeFunction('strataToMain', (m: Wire) => listeners.forEach((l) => l(decode(m) as FromGpuWorker)))
  // tsx (the bench's runner) names functions with an `__name` helper the page lacks: give it a plain one.
  await page.evaluate('globalThis.__name ??= (f) => f')
  await page.evaluate(({ mode, portMessage }) => {
    const g = globalThis as unknown as Bridge & { postMessage(m: unknown, origin: string, transfer: unknown[]): void } & { Worker: new (url: string) => { postMessage(m: unknown, t?: unknown[]): void; addEventListener(t: string, l: (e: { data: { id?: number; value?: unknown; error?: string } }) => void): void } }
    const toB64 = (bytes: Uint8Array) => {
      let s = ''
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
      return btoa(s)
    }
    const enc = (v: unknown): unknown => {
      if (ArrayBuffer.isView(v)) return { $typed: v.constructor.name, b64: toB64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) }
      if (Array.isArray(v)) return v.map(enc)
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, enc(x)]))
      return v
    }
    const dec = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(dec)
      if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>
        if (typeof o.$typed === 'string') {
          const bytes = Uint8Array.from(atob(o.b64 as string), (c) => c.charCodeAt(0))
          return o.$typed === 'Float32Array' ? new Float32Array(bytes.buffer) : bytes
        }
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, dec(x)]))
      }
      return v
    }
    // The node type config has no DOM library: the channel's ports are typed by hand.
    type Port = { postMessage(m: unknown): void; onmessage: ((e: { data: unknown }) => void) | null }
    const channel = new MessageChannel() as unknown as { port1: Port; port2: Port }
    if (mode === 'built-page') {
      g.postMessage(portMessage, '*', [channel.port2])
      channel.port1.onmessage = (e) => g.strataToMain(enc(e.data))
      g.strataToWorker = (m) => channel.port1.postMessage(dec(m))
      return
    }
    const worker = new g.Worker('/worker.js')
    worker.postMessage(null, [channel.port2])
    channel.port1.onmessage = (e) => g.strataToMain(enc(e.data))
    g.strataToWorker = (m) => channel.port1.postMessage(dec(m))
    let next = 1
    const waiting = new Map<number, (v: { value?: unknown; error?: string }) => void>()
    worker.addEventListener('message', (e) => {
      const done = e.data?.id === undefined ? undefined : waiting.get(e.data.id)
      if (done) done(e.data)
    })
    g.strataHook = (m) => new Promise((resolve) => {
      const id = next++
      waiting.set(id, resolve)
      worker.postMessage({ ...m, id })
    })
  }, { mode: worker, portMessage: GPU_ENGINE_PORT_MESSAGE })
  const host: GpuHost = {
    port: {
      postMessage: (m: ToGpuWorker) => void page.evaluate((w) => (globalThis as unknown as Bridge).strataToWorker(w), encode(m) as object).catch(() => undefined),
      onMessage: (l) => void listeners.push(l)
    },
    onGone: () => undefined,
    close: () => undefined
  }
  const hook = async <T>(message: object): Promise<T> => {
    const r = await page.evaluate((m) => (globalThis as unknown as Bridge).strataHook(m), message)
    if (r.error) throw new Error(r.error)
    return r.value as T
  }
  return { host, hook }
}

