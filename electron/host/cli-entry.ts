import path from 'node:path'
import { runCli } from './cli'

// Built into out/main/cli.js; the renderer and engine builds sit beside it under out/.

// The reader went away (`strata runs P | head -2`): nobody wants the rest, so stop quietly instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw err
  })
}
void runCli(process.argv.slice(2), path.resolve(__dirname, '..')).then((code) => {
  process.exitCode = code
})
