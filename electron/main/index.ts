import path from 'node:path'
import { app, BrowserWindow, dialog, session, shell } from 'electron'
import { safeExternalUrl } from '../../common/security'
import { EngineClient } from '../engine/process/engine-client'
import { createServices } from '../services'
import { defaultPaths } from '../services/paths'
import { launchUtilityEngine } from './engine-process'
import { preferGpuEngine } from '../engine/gpu/engine-selector'
import { configureGpuSwitches } from './gpu-switches'
import { launchGpuEngine } from './gpu-engine-window'
import { emitToWindows, registerIpc } from './ipc'
import { createMainWindow } from './windows'
import { version } from '../../package.json'

const outDir = path.resolve(__dirname, '..')

app.enableSandbox()
configureGpuSwitches()

void app.whenReady().then(() => {
  // The renderer never needs camera, microphone, notifications or the like.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))

  const engine = new EngineClient(() => launchUtilityEngine(outDir))
  const services = createServices({
    version,
    mode: 'electron',
    ...defaultPaths(),
    resourcesDir: path.join(outDir, '..', 'resources'),
    systemLocale: app.getLocale(),
    engine,
    // Training tries the GPU engine first; it hands the job to the CPU engine when the GPU is missing or slower.
    launchEngine: () => preferGpuEngine(() => launchGpuEngine(outDir, () => launchUtilityEngine(outDir)), () => launchUtilityEngine(outDir)),
    emit: emitToWindows,
    openExternal: async (url) => {
      const safe = safeExternalUrl(url)
      if (!safe) return false
      await shell.openExternal(safe)
      return true
    },
    // The window names only places the user chose: the projects folder, uploads and what the dialogs below pick.
    pathPolicy: 'chosen',
    pickPath: async ({ folder }) => {
      const options: Electron.OpenDialogOptions = folder
        ? { properties: ['openDirectory'] }
        : { properties: ['openFile'], filters: [{ name: 'CSV', extensions: ['csv', 'tsv', 'txt'] }] }
      const win = BrowserWindow.getFocusedWindow()
      const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      return picked.canceled ? null : (picked.filePaths[0] ?? null)
    }
  })
  registerIpc(services.handlers)
  createMainWindow(outDir)

  app.on('activate', () => {
    if (process.platform === 'darwin') createMainWindow(outDir)
  })
  app.on('window-all-closed', () => {
    services.dispose()
    engine.dispose()
    app.quit()
  })
})
