import os from 'node:os'
import path from 'node:path'

/** Where Strata keeps its own settings, and where new projects go by default. */
export interface StrataPaths {
  dataDir: string
  projectsDir: string
}

/**
 * Strata's folders. `STRATA_HOME` moves everything (settings and default projects) under one folder,
 * for portable installs and for running several independent studios on one machine.
 */
export function defaultPaths(env: NodeJS.ProcessEnv = process.env): StrataPaths {
  if (env.STRATA_HOME) {
    const home = path.resolve(env.STRATA_HOME)
    return { dataDir: path.join(home, 'data'), projectsDir: path.join(home, 'projects') }
  }
  const home = os.homedir()
  const dataDir =
    process.platform === 'win32'
      ? path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Strata')
      : process.platform === 'darwin'
        ? path.join(home, 'Library', 'Application Support', 'Strata')
        : path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'strata')
  return { dataDir, projectsDir: path.join(home, 'Strata Projects') }
}

/** The system's language tag, as the environment reports it. */
export function systemLocale(env: NodeJS.ProcessEnv = process.env): string {
  return env.LC_ALL || env.LC_MESSAGES || env.LANG || Intl.DateTimeFormat().resolvedOptions().locale
}
