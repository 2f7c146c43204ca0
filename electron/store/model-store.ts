import { randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'
import { StrataError } from '../../common/errors'
import { ModelSpecSchema, normalizeSpec, type ModelSpec } from '../../common/model/spec'

/** A model as stored: its latest version's spec and bookkeeping. */
export interface StoredModel {
  id: string
  name: string
  datasetId: string | null
  createdAt: string
  updatedAt: string
  version: number
  spec: ModelSpec
}

/** A line of the model list. */
export interface StoredModelLine {
  id: string
  name: string
  datasetId: string | null
  createdAt: string
  updatedAt: string
  version: number
}

interface ModelRow {
  id: string
  name: string
  dataset_id: string | null
  created_at: string
  updated_at: string
}

/** Short ids people can type on the command line: `m` and 8 hex digits. */
function newModelId(db: Database.Database): string {
  const exists = db.prepare('SELECT 1 FROM models WHERE id = ?')
  for (;;) {
    const id = `m${randomBytes(4).toString('hex')}`
    if (!exists.get(id)) return id
  }
}

/** Model specs and their versions in a project's database. */
export class ModelStore {
  constructor(private readonly db: Database.Database) {}

  /** Creates a model with its first version. */
  create(name: string, spec: ModelSpec, datasetId: string | null = null): StoredModel {
    const now = new Date().toISOString()
    const id = newModelId(this.db)
    const json = JSON.stringify(normalizeSpec(spec))
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO models (id, name, dataset_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(id, name, datasetId, now, now)
      this.db.prepare('INSERT INTO model_versions (model_id, version, spec, created_at) VALUES (?, 1, ?, ?)').run(id, json, now)
    })()
    return this.get(id)
  }

  /** Saves a new version when the spec differs from the latest one; returns the latest version either way. */
  save(id: string, spec: ModelSpec, name?: string): { id: string; version: number; updatedAt: string; changed: boolean } {
    const latest = this.get(id)
    const json = JSON.stringify(normalizeSpec(spec))
    const renamed = name !== undefined && name !== latest.name
    if (json === JSON.stringify(normalizeSpec(latest.spec)) && !renamed) {
      return { id, version: latest.version, updatedAt: latest.updatedAt, changed: false }
    }
    const now = new Date().toISOString()
    let version = latest.version
    this.db.transaction(() => {
      if (json !== JSON.stringify(normalizeSpec(latest.spec))) {
        version = latest.version + 1
        this.db.prepare('INSERT INTO model_versions (model_id, version, spec, created_at) VALUES (?, ?, ?, ?)').run(id, version, json, now)
      }
      this.db.prepare('UPDATE models SET updated_at = ?, name = ? WHERE id = ?').run(now, name ?? latest.name, id)
    })()
    return { id, version, updatedAt: now, changed: true }
  }

  /** A model at its latest version, or at a given one. */
  get(id: string, version?: number): StoredModel {
    const row = this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined
    if (!row) throw new StrataError('NOT_FOUND', { what: `Model ${id}` })
    const v = (
      version === undefined
        ? this.db.prepare('SELECT version, spec FROM model_versions WHERE model_id = ? ORDER BY version DESC LIMIT 1').get(id)
        : this.db.prepare('SELECT version, spec FROM model_versions WHERE model_id = ? AND version = ?').get(id, version)
    ) as { version: number; spec: string } | undefined
    if (!v) throw new StrataError('NOT_FOUND', { what: `Version ${version} of model ${id}` })
    const parsed = ModelSpecSchema.safeParse(JSON.parse(v.spec))
    if (!parsed.success) throw new StrataError('MODEL_INVALID', { issues: parsed.error.issues[0]?.message ?? 'unreadable' })
    return { id: row.id, name: row.name, datasetId: row.dataset_id, createdAt: row.created_at, updatedAt: row.updated_at, version: v.version, spec: parsed.data }
  }

  /** Every model, most recently changed first. */
  list(): StoredModelLine[] {
    const rows = this.db
      .prepare(
        `SELECT m.*, (SELECT MAX(version) FROM model_versions v WHERE v.model_id = m.id) AS version
         FROM models m ORDER BY m.updated_at DESC, m.id`
      )
      .all() as Array<ModelRow & { version: number }>
    return rows.map((r) => ({ id: r.id, name: r.name, datasetId: r.dataset_id, createdAt: r.created_at, updatedAt: r.updated_at, version: r.version }))
  }

  /** Version numbers of a model, oldest first. */
  versions(id: string): number[] {
    return (this.db.prepare('SELECT version FROM model_versions WHERE model_id = ? ORDER BY version').all(id) as Array<{ version: number }>).map((r) => r.version)
  }
}
