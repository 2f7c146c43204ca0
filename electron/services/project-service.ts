import path from 'node:path'
import type Database from 'better-sqlite3'
import { TrainConfig, type EmitEvent, type ProjectSummary, type RecentProject } from '../../common/contract'
import { StrataError } from '../../common/errors'
import { createProject, openProject, projectSummary, setTrainingDefaults, type OpenProject } from '../store/project-folder'
import { RecentProjects } from './recent-projects'

/** Creates, opens and remembers projects; holds the one project the studio has open. */
export class ProjectService {
  private current: OpenProject | null = null
  private readonly recentList: RecentProjects

  constructor(
    private readonly opts: { dataDir: string; projectsDir: string; emit: EmitEvent; onOpen?: (project: OpenProject) => void }
  ) {
    this.recentList = new RecentProjects(opts.dataDir)
  }

  /** The open project, or a coded error telling the user to open one. */
  require(): OpenProject {
    if (!this.current) throw new StrataError('NO_PROJECT_OPEN')
    return this.current
  }

  /** Creates `<parentDir>/<name>.strata` (the projects folder by default) and opens it. */
  create(name: string, parentDir?: string): ProjectSummary {
    const folder = path.join(parentDir ? path.resolve(parentDir) : this.opts.projectsDir, name)
    return this.activate(createProject(folder, name))
  }

  /** Opens an existing project folder. */
  open(target: string): ProjectSummary {
    return this.activate(openProject(target))
  }

  /** Closes the open project, if any, and lets go of its lock. */
  close(): boolean {
    if (!this.current) return false
    this.current.close()
    this.current = null
    this.opts.emit('project:changed', { current: null })
    return true
  }

  /** What the studio shows about the open project. */
  summary(): ProjectSummary | null {
    return this.current ? projectSummary(this.current) : null
  }

  /** Changes some of the open project's recommended training settings (the rest stay as they are, or the defaults). */
  setTrainingDefaults(changes: Partial<TrainConfig>): ProjectSummary {
    const project = this.require()
    const current = projectSummary(project).trainingDefaults ?? TrainConfig.parse({})
    setTrainingDefaults(project.db, TrainConfig.parse({ ...current, ...changes }))
    return projectSummary(project)
  }

  /** Recently opened projects, newest first. */
  recent(): RecentProject[] {
    return this.recentList.list()
  }

  private activate(project: OpenProject): ProjectSummary {
    // The new one already holds its lock, so reopening the same project keeps it locked throughout.
    this.current?.close()
    this.current = project
    this.opts.onOpen?.(project)
    this.recentList.touch({ name: project.name, path: project.root })
    const summary = projectSummary(project)
    this.opts.emit('project:changed', { current: summary })
    return summary
  }
}
