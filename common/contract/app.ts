import { z } from 'zod'
import { channel, NoInput } from './define'
import { LOCALES } from '../i18n'

/** Where the studio runs: the desktop app, or the headless host serving a browser. */
export const HostMode = z.enum(['electron', 'browser'])

/** Facts about the running studio that the renderer shows. */
export const AppInfo = z.object({
  version: z.string(),
  mode: HostMode,
  platform: z.string(),
  systemLocale: z.enum(LOCALES as [string, ...string[]]),
  projectsDir: z.string()
})
export type AppInfo = z.infer<typeof AppInfo>

/** App-level channels. */
export const APP_CHANNELS = {
  'app:info': channel(NoInput, AppInfo),
  'app:open-external': channel(z.object({ url: z.url({ protocol: /^https?$/ }) }).strict(), z.object({ opened: z.boolean() }))
}
