import { ipcMain } from 'electron'
import { CHANNEL_NAMES, checkEvent, dispatch, type EmitEvent, type Handlers } from '../../common/contract'
import { forClient, StrataError } from '../../common/errors'
import { appWindows, isAppWindow } from './windows'

/** Maps every contract channel to `ipcMain.handle`; requests from anything but the studio's windows are refused. */
export function registerIpc(handlers: Handlers): void {
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, async (event, payload: unknown) => {
      if (!isAppWindow(event.sender)) {
        return { ok: false, error: new StrataError('UNKNOWN_CHANNEL', { channel }).toAppError() }
      }
      const result = await dispatch(handlers, channel, payload, undefined)
      // Stacks and absolute paths stay in the main process's log; the window gets a code, a plain message and file names.
      return result.ok ? result : { ok: false, error: forClient(result.error, (e) => console.error(`strata: ${e.code} error:`, e.detail ?? e.message)) }
    })
  }
}

/** Sends a contract event to every studio window. */
export const emitToWindows: EmitEvent = (event, payload) => {
  const checked = checkEvent(event, payload)
  for (const win of appWindows()) win.webContents.send(event, checked)
}
