import fs from 'node:fs'
import path from 'node:path'
import type { BackendReport, ProjectSummary } from '../../../common/contract'
import { StrataError } from '../../../common/errors'
import { probeBackends } from '../../engine/process/backends'
import { createProject, openProject, projectSummary } from '../../store/project-folder'
import { t, type Command, type Output } from '../cli-io'
import { openInBrowser } from '../open-url'
import { serveStudio } from '../serve'

function printBackends(o: Output, report: BackendReport): void {
  o.out(t(o, 'cli.backendsTitle'))
  for (const b of report.backends) {
    const name = t(o, `backends.${b.id}`)
    const state = b.available
      ? t(o, b.id === report.chosen ? 'backends.active' : 'backends.available')
      : `${t(o, 'backends.unavailable')} — ${b.reason ? t(o, `backends.reasons.${b.reason.key}`, b.reason.params) : ''}`
    o.out(t(o, 'cli.backendLine', { mark: b.id === report.chosen ? '●' : b.available ? '○' : '×', backend: name, state }))
  }
  o.out(t(o, 'cli.chosen', { backend: t(o, `backends.${report.chosen}`) }))
}

const cmdNew: Command = async (args, o) => {
  const target = args.positional[1]
  if (!target) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: '<folder>' }) })
  const name = typeof args.options.name === 'string' ? args.options.name : path.basename(path.resolve(target)).replace(/\.strata$/, '')
  const project = createProject(target, name)
  const summary = projectSummary(project)
  project.close()
  if (o.json) o.out(JSON.stringify({ project: summary }))
  else o.out(t(o, 'cli.created', { name: summary.name, path: summary.path }))
  return 0
}

const cmdInfo: Command = async (args, o) => {
  let project: ProjectSummary | undefined
  if (args.positional[1]) {
    const p = openProject(args.positional[1])
    project = projectSummary(p)
    p.close()
  }
  const backends = await probeBackends()
  if (o.json) {
    o.out(JSON.stringify({ ...(project ? { project } : {}), backends }))
    return 0
  }
  if (project) o.out(t(o, 'cli.project', { name: project.name, path: project.path, version: project.schemaVersion, created: project.createdAt }))
  printBackends(o, backends)
  return 0
}

const cmdServe: Command = async (args, o, buildDir) => {
  const port = args.options.port === undefined ? 0 : Number(args.options.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new StrataError('BAD_ARGUMENTS', { reason: `--port must be a number from 0 to 65535, not "${String(args.options.port)}".` })
  }
  const host = typeof args.options.host === 'string' ? args.options.host : '127.0.0.1'
  if (args.options['allow-dir'] === true) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.missingArgument', { what: '--allow-dir FOLDER' }) })
  const allowDirs = (args.all['allow-dir'] ?? []).map((dir) => {
    const abs = path.resolve(dir)
    if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) throw new StrataError('BAD_ARGUMENTS', { reason: t(o, 'cli.allowDirMissing', { path: abs }) })
    return abs
  })
  const studio = await serveStudio({ port, host, buildDir, allowDirs })
  if (o.json) o.out(JSON.stringify({ url: studio.url, port: studio.port, token: studio.token }))
  else {
    if (typeof args.options['why'] === 'string') o.out(t(o, 'cli.noElectron', { reason: args.options['why'] }))
    o.out(t(o, 'cli.serving', { url: studio.url }))
  }
  if (args.options.open) void openInBrowser(studio.url)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await studio.stop()
  if (!o.json) o.out(t(o, 'cli.stopped'))
  return 0
}

/** `strata new`, `strata info` and `strata serve`. */
export const PROJECT_COMMANDS: Record<string, Command> = {
  new: cmdNew,
  info: cmdInfo,
  serve: cmdServe
}
