import { describe, expect, it } from 'vitest'
import { forClient, redactPaths, StrataError, toAppError } from './errors'

describe('errors as clients receive them', () => {
  it('an unexpected error reaches a client as INTERNAL with its plain message only; its stack goes to the log', () => {
    const logged: unknown[] = []
    const internal = toAppError(new Error("ENOTDIR: not a directory, mkdir '/home/ana/Strata Projects/X.strata/.staging/uploads/u1/a'"))
    expect(internal.detail).toContain('    at ')
    const sent = forClient(internal, (e) => logged.push(e))
    expect(sent).toEqual({ code: 'INTERNAL', message: 'Something went wrong inside Strata. Your data was not changed; see the details.' })
    expect(logged).toHaveLength(1)
  })

  for (const [label, path, shown] of [
    ['an upload folder in the staging area', '/home/ana/Strata Projects/Photos.strata/.staging/uploads/u1/photos', 'photos'],
    ['a Windows path', 'C:\\Users\\Ana\\Strata Projects\\Photos.strata\\.staging\\uploads\\u1\\photos', 'photos'],
    ['a file', '/srv/data/churn.csv', 'churn.csv'],
    ['a folder ending in a slash', '/srv/data/photos/', 'photos']
  ] as const) {
    it(`a parameter holding ${label} reaches a client as the name "${shown}", in its params and its message`, () => {
      const sent = forClient(new StrataError('IMPORT_NO_IMAGES', { path, ignored: 2 }).toAppError())
      expect(sent.params).toEqual({ path: shown, ignored: 2 })
      expect(sent.message).toContain(`No readable images were found in ${shown} (2 other files`)
      expect(JSON.stringify(sent)).not.toMatch(/staging|Strata Projects|Users|srv/)
    })
  }

  it('technical detail keeps its words but loses stack lines and absolute paths', () => {
    const sent = forClient(new StrataError('IMPORT_BINARY_FILE', { file: '/home/ana/x.csv' }, "Error: bad byte in '/home/ana/Strata Projects/x.csv'\n    at read (/opt/strata/out/main/cli.js:1:2)").toAppError())
    expect(sent.detail).toBe("Error: bad byte in 'x.csv'")
  })

  it('leaves text without paths alone: fractions, dates, relative paths, URLs', () => {
    for (const text of ['lines 3/4 and 5/6', '2025/01/02', 'photos/cat.png', 'see https://example.com/a/b', 'a, b: c']) expect(redactPaths(text)).toBe(text)
  })
})
