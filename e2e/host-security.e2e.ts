import { expect, test } from './fixtures'

test('the page needs the token: refused without it, refused with a wrong one, served with it', async ({ page, studio }) => {
  const without = await page.goto(studio.origin + '/')
  expect(without?.status()).toBe(401)
  await expect(page.locator('body')).toContainText('access token')

  const wrong = await page.goto(studio.origin + '/?token=not-the-token')
  expect(wrong?.status()).toBe(403)

  const right = await page.goto(studio.url)
  expect(right?.status()).toBe(200)
  expect(right?.headers()['content-security-policy']).toContain("default-src 'self'")
  await expect(page.getByTestId('view-home')).toBeVisible()
})

test('a page from another origin cannot open the studio socket, even with the token', async ({ page, studio }) => {
  await page.goto('about:blank')
  await page.setContent('<html><body>elsewhere</body></html>')
  const result = await page.evaluate(async ({ port, token }) => {
    return new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`)
      ws.onopen = () => resolve('open')
      ws.onerror = () => resolve('refused')
    })
  }, { port: studio.port, token: studio.token })
  expect(result).toBe('refused')
})
