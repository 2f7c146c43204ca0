import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const BIN = path.resolve(__dirname, '..', 'bin', 'strata.js')

/** Runs the `strata` CLI against a studio's home folder, as a founder's terminal would, and parses its JSON output. */
export async function strataJson<T = Record<string, unknown>>(home: string, args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, [BIN, ...args, '--json'], { cwd: home, env: { ...process.env, STRATA_HOME: home, LANG: 'en_US.UTF-8' } })
  return JSON.parse(stdout.trim().split('\n').pop()!) as T
}
