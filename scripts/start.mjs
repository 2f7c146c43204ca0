// `npm start`: opens the studio in its desktop window when Electron can run here, else in the browser through the
// headless host, saying why.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

function ensureBuilt() {
  if (fs.existsSync(path.join(root, 'out', 'main', 'cli.js'))) return
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const built = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
  if (built.status !== 0) process.exit(built.status ?? 1)
}

/** The Electron executable, or the plain reason it cannot be used here. */
function electronBinary() {
  let binary
  try {
    binary = require('electron')
  } catch (err) {
    return { reason: `Electron's binary is not installed (${String(err.message).split('\n')[0]})` }
  }
  if (typeof binary !== 'string' || !fs.existsSync(binary)) return { reason: "Electron's binary is not installed" }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'no graphical display was found' }
  }
  return { binary }
}

ensureBuilt()
const { binary, reason } = electronBinary()
const child = binary
  ? spawn(binary, [root], { stdio: 'inherit' })
  : spawn(process.execPath, [path.join(root, 'bin', 'strata.js'), 'serve', '--open', '--why', reason, ...process.argv.slice(2)], {
      stdio: 'inherit'
    })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code) => process.exit(code ?? 0))
