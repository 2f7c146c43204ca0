import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'

const ROOT = path.resolve(__dirname, '../..')
const BIN = path.join(ROOT, 'bin', 'strata.js')
const run = promisify(execFile)

/** Throws a plain instruction when the CLI has not been built (tests run the built CLI, as a user does). */
export function requireBuiltCli(): void {
  if (!fs.existsSync(path.join(ROOT, 'out', 'main', 'cli.js'))) throw new Error('Build Strata first: npm run build')
}

/**
 * Runs the built `strata` CLI in `dir` with STRATA_HOME=dir and English messages; never throws on a non-zero exit.
 * `timeoutMs`: the command is killed after that long (its code is then null and `timedOut` true).
 */
export async function runBuiltCli(dir: string, args: string[], env: Record<string, string> = {}, timeoutMs = 0): Promise<{ code: number; stdout: string; stderr: string; timedOut?: boolean }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, LANG: 'en_US.UTF-8', STRATA_HOME: dir, ...env }, timeout: timeoutMs })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string; killed?: boolean }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, ...(e.killed ? { timedOut: true } : {}) }
  }
}
