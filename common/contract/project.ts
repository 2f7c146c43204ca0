import { z } from 'zod'
import { channel, event, NoInput } from './define'
import { TrainConfig } from './training'

/** A project name as the user types it: becomes the folder name `<name>.strata`. */
export const ProjectName = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'use letters, digits, spaces, dots, dashes or underscores')

/** What the studio knows about an open project. */
export const ProjectSummary = z.object({
  name: z.string(),
  path: z.string(),
  schemaVersion: z.number().int(),
  createdAt: z.string(),
  /** Recommended training settings (sample projects come with theirs), or null. */
  trainingDefaults: TrainConfig.nullable().default(null)
})
export type ProjectSummary = z.infer<typeof ProjectSummary>

/** A line of the recent-projects list. */
export const RecentProject = z.object({
  name: z.string(),
  path: z.string(),
  openedAt: z.string(),
  exists: z.boolean()
})
export type RecentProject = z.infer<typeof RecentProject>

/** Project channels. */
export const PROJECT_CHANNELS = {
  'project:create': channel(
    z.object({ name: ProjectName, parentDir: z.string().min(1).optional() }).strict(),
    ProjectSummary
  ),
  'project:open': channel(z.object({ path: z.string().min(1) }).strict(), ProjectSummary),
  /** Opens the desktop's native folder picker (Electron only): the folder chosen may then be opened; null when cancelled or unavailable. */
  'project:pick': channel(NoInput, z.object({ path: z.string().nullable() })),
  'project:current': channel(NoInput, ProjectSummary.nullable()),
  'project:recent': channel(NoInput, z.array(RecentProject)),
  'project:close': channel(NoInput, z.object({ closed: z.boolean() })),
  /** Changes some of the project's recommended training settings (a health fix sets balanced class weights). */
  'project:set-training-defaults': channel(z.object({ changes: z.object({ classWeights: TrainConfig.shape.classWeights.unwrap().optional() }).strict() }).strict(), ProjectSummary)
}

/** Project events. */
export const PROJECT_EVENTS = {
  'project:changed': event(z.object({ current: ProjectSummary.nullable() }))
}
