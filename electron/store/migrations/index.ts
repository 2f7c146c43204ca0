import type { Migration } from './migration'
import { migration as project } from './001-project'
import { migration as datasets } from './002-datasets'
import { migration as models } from './003-models'
import { migration as runs } from './004-runs'
import { migration as judge } from './005-judge'
import { migration as rowStore } from './006-row-store'

export type { Migration } from './migration'

/**
 * Every schema change, in order, one numbered file each. Append only: a released migration is never edited; each
 * feature adds its own numbered file here.
 */
export const MIGRATIONS: readonly Migration[] = [project, datasets, models, runs, judge, rowStore]

/** The newest schema version this build of Strata reads and writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version
