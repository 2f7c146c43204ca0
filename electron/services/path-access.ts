import fs from 'node:fs'
import path from 'node:path'
import { StrataError } from '../../common/errors'
import { PROJECT_DB_FILE } from '../store/project-db'
import { projectFolderFor } from '../store/project-folder'

/**
 * Which server-side paths a client may name: `any` for the command line (the user typed them), `chosen` for the
 * studio's page (browser or desktop window), which may name only places the user allowed.
 */
export type PathPolicy = 'any' | 'chosen'

/** The real path of `p` with every link followed; the part that does not exist yet is appended as written. */
export function realPathDeep(p: string): string {
  const abs = path.resolve(p)
  const rest: string[] = []
  let at = abs
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(at), ...rest.reverse())
    } catch {
      const parent = path.dirname(at)
      if (parent === at) return abs
      rest.push(path.basename(at))
      at = parent
    }
  }
}

/** True when `file` is `dir` or lies inside it (both real paths). */
export function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel))
}

/** Where the places a client may name come from. */
export interface PathAccessOptions {
  policy: PathPolicy
  projectsDir: string
  /** Folders the user named when the studio started (`strata serve --allow-dir DIR`). */
  allowDirs?: readonly string[]
  /** Folders that are allowed while they exist, such as the open project's uploads folder. */
  extraRoots?: () => readonly string[]
  /** Project folders the user opened before (the recent-projects list): each may be opened again, nothing else. */
  knownProjects?: () => readonly string[]
}

/**
 * Decides whether a path a client sent may be read or written: under the `chosen` policy, only the projects folder,
 * the folders given with `--allow-dir`, the open project's uploads and what the user picked in a native dialog, all
 * compared after following links; anything else is refused with PATH_NOT_ALLOWED, which says how to allow it.
 * Callers then use the real path returned, so what is checked is what is used.
 */
export class PathAccess {
  private readonly picked = new Set<string>()

  constructor(private readonly opts: PathAccessOptions) {}

  /** Adds a file or folder the user picked in a native dialog (a folder with everything inside it). */
  allowPicked(p: string): void {
    this.picked.add(realPathDeep(p))
  }

  private roots(): string[] {
    return [this.opts.projectsDir, ...(this.opts.allowDirs ?? []), ...(this.opts.extraRoots?.() ?? [])].map(realPathDeep).concat([...this.picked])
  }

  private allowed(real: string): boolean {
    return this.roots().some((root) => isInside(real, root))
  }

  private refuse(p: string): never {
    throw new StrataError('PATH_NOT_ALLOWED', { path: p })
  }

  /** The real path of a file or folder a client named, when it is allowed; PATH_NOT_ALLOWED otherwise. */
  resolve(p: string): string {
    if (this.opts.policy === 'any') return path.resolve(p)
    const real = realPathDeep(p)
    return this.allowed(real) ? real : this.refuse(p)
  }

  /**
   * The real path of the project folder a client asked to open (`x` or `x.strata`), when it lies in an allowed
   * place or is a project opened before; PATH_NOT_ALLOWED otherwise, so nothing is said about what is outside.
   */
  projectFolder(p: string): string {
    if (this.opts.policy === 'any') return path.resolve(p)
    const known = new Set((this.opts.knownProjects?.() ?? []).map(realPathDeep))
    const candidates = [path.resolve(p), projectFolderFor(p)].map(realPathDeep).filter((real) => known.has(real) || this.allowed(real))
    return candidates.find((real) => fs.existsSync(path.join(real, PROJECT_DB_FILE))) ?? candidates[0] ?? this.refuse(p)
  }
}
