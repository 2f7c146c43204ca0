import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, test } from './fixtures'

test('the page asks for its token without it, refuses a wrong one, and with it opens the studio and drops the token from the address', async ({ page, context, studio }) => {
  await page.goto(studio.origin + '/')
  await expect(page.getByTestId('connection-lost')).toHaveAttribute('data-problem', 'no-token')
  await expect(page.getByTestId('connection-lost')).toContainText('access token')

  const wrong = await context.newPage()
  await wrong.goto(studio.origin + '/?token=not-the-token')
  await expect(wrong.getByTestId('connection-lost')).toHaveAttribute('data-problem', 'refused')
  await wrong.close()

  const right = await page.goto(studio.url)
  expect(right?.status()).toBe(200)
  expect(right?.headers()['content-security-policy']).toContain("default-src 'self'")
  await expect(page.getByTestId('view-home')).toBeVisible()
  await expect(page.getByTestId('recent-empty')).toBeVisible()
  expect(page.url()).toBe(studio.origin + '/')

  // A reload keeps working: the tab kept the token in its session storage.
  await page.reload()
  await expect(page.getByTestId('recent-empty')).toBeVisible()
  await expect(page.getByTestId('connection-lost')).toHaveCount(0)
})

test('a page from another origin cannot open the studio socket, even with the token', async ({ page, studio }) => {
  await page.goto('about:blank')
  await page.setContent('<html><body>elsewhere</body></html>')
  const result = await page.evaluate(async ({ port, token }) => {
    return new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['strata', `strata-token.${token}`])
      ws.onopen = () => resolve('open')
      ws.onerror = () => resolve('refused')
    })
  }, { port: studio.port, token: studio.token })
  expect(result).toBe('refused')
})

test('another server on this computer never receives the token: no cookie, header or address carries it', async ({ page, context, studio }) => {
  // A second local server, as any other program on 127.0.0.1 could run, that records every request it gets.
  const seen: Array<{ url: string; headers: http.IncomingHttpHeaders }> = []
  const other = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers })
    if (req.url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html' })
      res.end('<!doctype html><title>other</title><img src="/pixel.png"><script>fetch("/api", { credentials: "include" })</script>')
    } else res.end('')
  })
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
  const otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`
  try {
    await page.goto(studio.url)
    await expect(page.getByTestId('recent-empty')).toBeVisible()

    // The studio's tab goes to the other server; so does a second tab; so does the studio page's own navigation.
    await page.goto(otherOrigin + '/')
    await expect.poll(() => seen.some((r) => r.url === '/api')).toBe(true)
    const second = await context.newPage()
    await second.goto(otherOrigin + '/')
    await page.goto(studio.origin + '/')
    await expect(page.getByTestId('recent-empty')).toBeVisible()
    // The page's own navigation (a link the studio shows, say): no Referer, no token in what it sends.
    await page.evaluate((to) => void ((globalThis as unknown as { location: { href: string } }).location.href = to), otherOrigin + '/from-studio')
    await expect.poll(() => seen.some((r) => r.url === '/from-studio')).toBe(true)

    expect(seen.length).toBeGreaterThanOrEqual(5)
    for (const request of seen) {
      expect(JSON.stringify(request), 'a request the other server got').not.toContain(studio.token)
      expect(request.headers.cookie, `cookie sent with ${request.url}`).toBeUndefined()
    }
    for (const cookie of await context.cookies()) expect(cookie.value).not.toContain(studio.token)
  } finally {
    await new Promise((resolve) => other.close(resolve))
  }
})
