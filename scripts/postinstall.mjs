// After `npm install`: Electron and the native TensorFlow packages are optional dependencies, because their own
// install steps download binaries that offline machines cannot fetch. When Electron's download failed, npm removed
// the package; this puts its JavaScript part (types, launcher) back without the binary, so the studio still builds,
// type-checks and runs in browser mode. It never fails the install.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const modules = path.join(root, 'node_modules')

function lockedVersion(name) {
  try {
    const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'))
    return lock.packages?.[`node_modules/${name}`]?.version
  } catch {
    return undefined
  }
}

function restoreElectronPackage() {
  const dir = path.join(modules, 'electron')
  if (fs.existsSync(path.join(dir, 'package.json'))) return 'present'
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
  const version = lockedVersion('electron') ?? pkg.optionalDependencies.electron
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-electron-'))
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
    const out = execFileSync(npm, ['pack', `electron@${version}`, '--silent', '--pack-destination', tmp], {
      cwd: tmp,
      encoding: 'utf8',
      shell: process.platform === 'win32'
    })
    const tarball = path.join(tmp, out.trim().split('\n').pop())
    fs.mkdirSync(dir, { recursive: true })
    execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'])
    return `restored electron@${version} without its binary`
  } catch (err) {
    return `could not restore the electron package (${String(err.message ?? err).split('\n')[0]})`
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

const notes = []
const electron = restoreElectronPackage()
if (electron !== 'present') {
  notes.push(`Electron's binary could not be downloaded: ${electron}. "npm start" opens the studio in your browser instead.`)
}
for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
  if (!fs.existsSync(path.join(modules, pkg, 'package.json'))) {
    notes.push(`${pkg} is not installed (its native TensorFlow library could not be downloaded); Strata trains with WebAssembly instead.`)
  }
}
for (const note of notes) console.log(`strata: ${note}`)
