import { toAppError } from '../../common/errors'
import { probeBackends } from './backends'
import type { EngineReply, EngineRequest } from './protocol'

/** The channel to the parent: Electron's utilityProcess gives `parentPort`, `child_process.fork` gives `process.send`. */
interface ParentChannel {
  on(event: 'message', listener: (message: unknown) => void): void
  send(message: EngineReply): void
}

function parentChannel(): ParentChannel {
  const electronPort = (process as NodeJS.Process & { parentPort?: { on: (e: 'message', l: (m: { data: unknown }) => void) => void; postMessage: (m: unknown) => void } }).parentPort
  if (electronPort) {
    return {
      on: (_event, listener) => electronPort.on('message', (m) => listener(m.data)),
      send: (message) => electronPort.postMessage(message)
    }
  }
  if (!process.send) throw new Error('The engine process must be started by Strata (fork or utilityProcess).')
  return {
    on: (_event, listener) => process.on('message', listener),
    send: (message) => process.send?.(message)
  }
}

async function handle(request: EngineRequest): Promise<EngineReply> {
  try {
    switch (request.type) {
      case 'probe':
        return { id: request.id, ok: true, value: await probeBackends() }
    }
  } catch (err) {
    return { id: request.id, ok: false, error: toAppError(err) }
  }
}

/** Starts answering the parent's requests. */
export function runEngineProcess(): void {
  const parent = parentChannel()
  parent.on('message', (message) => {
    void handle(message as EngineRequest).then((reply) => parent.send(reply))
  })
}
