import { spawn } from 'node:child_process'
import { safeExternalUrl } from '../../common/security'

/** The system's opener and its arguments for a URL: the URL is one argument, never read by a shell. */
function opener(url: string, platform: NodeJS.Platform): { command: string; args: string[] } {
  if (platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] }
  if (platform === 'darwin') return { command: 'open', args: [url] }
  return { command: 'xdg-open', args: [url] }
}

/**
 * Opens a web address in the system's browser. Anything but a plain http(s) URL (see safeExternalUrl) is refused
 * and nothing runs; otherwise the opener is started without a shell and the result is true once it has started.
 */
export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  const safe = safeExternalUrl(url)
  if (!safe) return Promise.resolve(false)
  const { command, args } = opener(safe, platform)
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, shell: false })
    child.once('error', () => resolve(false))
    child.once('spawn', () => {
      child.unref()
      resolve(true)
    })
  })
}
