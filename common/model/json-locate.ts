/** Where one JSON value sits in a text: start and end offsets (end exclusive). */
export interface JsonSpan {
  start: number
  end: number
}

/**
 * Maps every path of a JSON document (`nodes.1.params.units`, `` for the root) to where its value sits in the text,
 * so validation issues can be pointed at. Stops quietly at the first syntax error, keeping what it found.
 */
export function locateJsonPaths(text: string): Map<string, JsonSpan> {
  const spans = new Map<string, JsonSpan>()
  let i = 0
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++
  }
  const fail = (): never => {
    throw new SyntaxError('stop')
  }
  const str = (): string => {
    const start = i
    i++
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    if (i >= text.length) fail()
    i++
    return JSON.parse(text.slice(start, i)) as string
  }
  const value = (path: string): void => {
    ws()
    const start = i
    const c = text[i]
    if (c === '{') {
      i++
      ws()
      if (text[i] === '}') i++
      else
        for (;;) {
          ws()
          if (text[i] !== '"') fail()
          const key = str()
          ws()
          if (text[i] !== ':') fail()
          i++
          value(path ? `${path}.${key}` : key)
          ws()
          if (text[i] === ',') i++
          else if (text[i] === '}') {
            i++
            break
          } else fail()
        }
    } else if (c === '[') {
      i++
      ws()
      if (text[i] === ']') i++
      else
        for (let k = 0; ; k++) {
          value(path ? `${path}.${k}` : String(k))
          ws()
          if (text[i] === ',') i++
          else if (text[i] === ']') {
            i++
            break
          } else fail()
        }
    } else if (c === '"') str()
    else {
      const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64))
      if (!m) fail()
      i += m![0].length
    }
    spans.set(path, { start, end: i })
  }
  try {
    value('')
  } catch {
    // A syntax error ends the walk; what was located so far is still useful.
  }
  return spans
}

/** The span of the deepest located ancestor of a path (the path itself when it exists). */
export function spanForPath(spans: Map<string, JsonSpan>, path: (string | number)[]): JsonSpan | undefined {
  for (let n = path.length; n >= 0; n--) {
    const span = spans.get(path.slice(0, n).join('.'))
    if (span) return span
  }
  return undefined
}
