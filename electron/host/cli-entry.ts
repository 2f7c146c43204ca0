import path from 'node:path'
import { runCli } from './cli'

// Built into out/main/cli.js; the renderer and engine builds sit beside it under out/.
void runCli(process.argv.slice(2), path.resolve(__dirname, '..')).then((code) => {
  process.exitCode = code
})
