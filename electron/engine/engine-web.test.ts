import path from 'node:path'
import { buildSync } from 'esbuild'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(__dirname, '../..')
/** The type-check config of the engine code the GPU engine's browser Worker bundles (no Node types). */
const CONFIG = path.join(ROOT, 'tsconfig.engine-web.json')
const WORKER_ENTRY = path.join(ROOT, 'electron/engine/gpu/gpu-worker.ts')
/** A Node import and a Node global, as a regression would add them. */
const NODE_CODE = "import fs from 'node:fs'\nexport const leaked = [fs.existsSync('x'), process.env.HOME]\n"

/** Parsed files, shared by the programs below (parsing the libraries is most of a program's cost). */
const parsedFiles = new Map<string, ts.SourceFile | undefined>()

/** The program `tsc -p tsconfig.engine-web.json` checks, with `inject` put at the top of one of its files. */
function engineWebProgram(inject?: { file: string; code: string }, types?: string[]): ts.Program {
  const { config } = ts.readConfigFile(CONFIG, ts.sys.readFile) as { config: unknown }
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, CONFIG)
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, ...(types ? { types } : {}) }
  const host = ts.createCompilerHost(options)
  const read = host.getSourceFile.bind(host)
  host.getSourceFile = (file, language, onError) => {
    if (inject && path.resolve(file) === inject.file) return ts.createSourceFile(file, inject.code + ts.sys.readFile(file), language)
    if (!parsedFiles.has(file)) parsedFiles.set(file, read(file, language, onError))
    return parsedFiles.get(file)
  }
  return ts.createProgram({ rootNames: parsed.fileNames, options, host })
}

/** The diagnostics of one file of a program, as `file(line): TSxxxx message` lines. */
function errorsIn(program: ts.Program, file: string): string[] {
  const source = program.getSourceFile(file)
  if (!source) throw new Error(`${file} is not in the program`)
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(
    (d) => `${path.relative(ROOT, file)}(${source.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}): TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`
  )
}

describe('tsconfig.engine-web.json (the GPU Worker’s engine code)', () => {
  it('covers every file bundled into the GPU engine’s Worker, and no Node type is in its program', () => {
    const bundle = buildSync({ entryPoints: [WORKER_ENTRY], bundle: true, write: false, metafile: true, packages: 'external', platform: 'browser', format: 'esm', logLevel: 'silent' })
    const bundled = Object.keys(bundle.metafile.inputs).map((f) => path.resolve(ROOT, f))
    expect(bundled.length).toBeGreaterThan(20)
    const program = engineWebProgram()
    const checked = new Set(program.getSourceFiles().map((s) => path.resolve(s.fileName)))
    expect(bundled.filter((f) => !checked.has(f)).map((f) => path.relative(ROOT, f))).toEqual([])
    expect([...checked].filter((f) => f.includes(`${path.sep}@types${path.sep}node${path.sep}`))).toEqual([])
  })

  it('refuses a Node import and a Node global in a kernel and in the Worker’s job code', () => {
    for (const file of ['electron/engine/kernels/conv-gemm.ts', 'electron/engine/gpu/gpu-job.ts'].map((f) => path.join(ROOT, f))) {
      const errors = errorsIn(engineWebProgram({ file, code: NODE_CODE }), file)
      expect(errors.some((e) => e.includes("TS2307 Cannot find module 'node:fs'")), errors.join('\n')).toBe(true)
      expect(errors.some((e) => /TS25\d\d Cannot find name 'process'/.test(e)), errors.join('\n')).toBe(true)
    }
  })

  it('is what refuses them: the same code with Node types allowed compiles', () => {
    const file = path.join(ROOT, 'electron/engine/kernels/conv-gemm.ts')
    expect(errorsIn(engineWebProgram({ file, code: NODE_CODE }, ['node']), file)).toEqual([])
  })
})
