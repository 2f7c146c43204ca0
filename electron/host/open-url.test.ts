import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../common/contract'
import { safeExternalUrl } from '../../common/security'
import { REPO_ROOT } from '../services/services.test-helpers'
import { createNodeServices } from './serve'

let dir: string
let record: string
let savedPath: string | undefined
let services: ReturnType<typeof createNodeServices>

// The system opener is the one thing not run for real (it would start a browser): a stand-in xdg-open on PATH
// records the arguments it gets, one per line. Everything between the channel and that program is the host's own.
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-open-'))
  record = path.join(dir, 'opened.txt')
  const bin = path.join(dir, 'bin')
  fs.mkdirSync(bin)
  fs.writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a" >> '${record}'; done\n`, { mode: 0o755 })
  savedPath = process.env.PATH
  process.env.PATH = `${bin}${path.delimiter}${process.env.PATH ?? ''}`
  services = createNodeServices({ buildDir: path.join(REPO_ROOT, 'out'), paths: { dataDir: path.join(dir, 'data'), projectsDir: path.join(dir, 'projects') }, emit: () => undefined, pathPolicy: 'chosen' })
})

afterAll(() => {
  process.env.PATH = savedPath
  services.dispose()
  fs.rmSync(dir, { recursive: true, force: true })
})

async function openExternal(url: string): Promise<{ opened: boolean } | { refused: string }> {
  const result = await dispatch(services.handlers, 'app:open-external', { url }, undefined)
  return result.ok ? (result.value as { opened: boolean }) : { refused: result.error.code }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300))

describe('app:open-external on the headless host', () => {
  const injections = [
    ['$(…)', (m: string) => `http://example.com/$(touch${'${IFS}'}${m})`],
    ['backticks', (m: string) => `http://example.com/\`touch ${m}\``],
    ['a double quote', (m: string) => `http://example.com/"; touch ${m}; echo "`],
    ['a semicolon', (m: string) => `http://example.com/";touch${'${IFS}'}${m};"`]
  ] as const
  for (const [label, make] of injections) {
    it(`a URL holding ${label} runs nothing; if opened, the opener got it as one argument`, async () => {
      const marker = path.join(dir, `pwned-${label.replace(/\W/g, '')}`)
      fs.rmSync(record, { force: true })
      const url = make(marker)
      const answer = await openExternal(url)
      await settle()
      expect(fs.existsSync(marker), `${url} ran a command`).toBe(false)
      const recorded = fs.existsSync(record) ? fs.readFileSync(record, 'utf8') : ''
      if ('opened' in answer && answer.opened) expect(recorded).toBe(`${url}\n`)
      else expect(recorded).toBe('')
    })
  }

  it('opens a plain web address with the system opener', async () => {
    fs.rmSync(record, { force: true })
    expect(await openExternal('https://example.com/docs?page=2#top')).toEqual({ opened: true })
    await settle()
    expect(fs.readFileSync(record, 'utf8')).toBe('https://example.com/docs?page=2#top\n')
  })

  it('refuses, without running anything, what is not a plain http(s) address', async () => {
    fs.rmSync(record, { force: true })
    for (const url of ['file:///etc/passwd', 'http://user:pw@example.com/', 'javascript:alert(1)', 'http://example.com/a b']) {
      const answer = await openExternal(url)
      expect('refused' in answer || !answer.opened, url).toBe(true)
    }
    await settle()
    expect(fs.existsSync(record)).toBe(false)
  })
})

describe('safeExternalUrl', () => {
  for (const [url, ok] of [
    ['https://example.com/', true],
    ['http://127.0.0.1:8080/?token=ab12', true],
    ['https://example.com', false],
    ['HTTP://example.com/', false],
    ['https://example.com/`x`', false],
    ['https://example.com/"', false],
    ['ftp://example.com/', false],
    ['https://a:b@example.com/', false]
  ] as const) {
    it(`${url} → ${ok ? 'allowed' : 'refused'}`, () => expect(safeExternalUrl(url) !== null).toBe(ok))
  }
})
