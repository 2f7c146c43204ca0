import { electronBinary } from './electron-binary'

/** Says up front whether the Electron-mode tests will run. */
export default function globalSetup(): void {
  const { binary, reason } = electronBinary()
  console.log(binary ? `Electron-mode e2e: using ${binary}` : `skipped: no Electron binary (${reason}); Electron-mode e2e tests will not run`)
}
