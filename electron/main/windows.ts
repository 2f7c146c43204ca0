import path from 'node:path'
import { BrowserWindow, shell } from 'electron'
import { safeExternalUrl } from '../../common/security'

const windows = new Set<BrowserWindow>()

/** True when a request comes from one of the studio's own windows. */
export function isAppWindow(contents: Electron.WebContents): boolean {
  for (const win of windows) if (!win.isDestroyed() && win.webContents === contents) return true
  return false
}

/** Every open studio window. */
export function appWindows(): BrowserWindow[] {
  return [...windows].filter((w) => !w.isDestroyed())
}

/** Opens a studio window with Electron's security defaults: isolated, sandboxed, no Node, no navigation. */
export function createMainWindow(outDir: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'Strata',
    webPreferences: {
      preload: path.join(outDir, 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false
    }
  })
  windows.add(win)
  win.on('closed', () => windows.delete(win))
  win.once('ready-to-show', () => win.show())

  // The studio is a single page: any navigation is refused; web links open in the system browser.
  win.webContents.on('will-navigate', (event, url) => {
    event.preventDefault()
    const safe = safeExternalUrl(url)
    if (safe) void shell.openExternal(safe)
  })
  win.webContents.setWindowOpenHandler(({ url }) => {
    const safe = safeExternalUrl(url)
    if (safe) void shell.openExternal(safe)
    return { action: 'deny' }
  })

  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void win.loadFile(path.join(outDir, 'renderer', 'index.html'))
  return win
}
