import { toAppError } from '../../../common/errors'
import { probeBackends } from './backends'
import type { BackendReport } from '../../../common/contract'
import { runExportJob } from '../export/export-job'
import { crossValidate, evaluateRun, predictWithRun } from '../evaluate/evaluate-jobs'
import type { EngineReply, EngineRequest, EngineResult } from './protocol'
import { measureCpuReference } from '../gpu/cpu-reference'
import { JobControls, runTrainingJob, type JobDeps } from '../train/training-job'

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
  // The parent is gone (killed, crashed): nobody records this job any more, and the next studio to open the project
  // marks its run interrupted and may resume it, so this process must not train on beside that one.
  process.once('disconnect', () => process.exit(0))
  return {
    on: (_event, listener) => process.on('message', listener),
    send: (message) => process.send?.(message)
  }
}

/** Answers one request: its value, or its error as a coded value (never a crash of the engine). */
async function answer(id: number, work: () => Promise<EngineResult | BackendReport>): Promise<EngineReply> {
  try {
    return { id, ok: true, value: await work() }
  } catch (err) {
    return { id, ok: false, error: toAppError(err) }
  }
}

/** Starts answering the parent's requests; one engine process runs at most one job (training or export), and any number of evaluation requests. */
export function runEngineProcess(deps: JobDeps): void {
  const parent = parentChannel()
  let controls: JobControls | null = null
  parent.on('message', (raw) => {
    const message = raw as EngineRequest
    switch (message.type) {
      case 'probe':
        void answer(message.id, probeBackends).then((reply) => parent.send(reply))
        break
      case 'evaluate':
        void answer(message.id, () => evaluateRun(message.job)).then((reply) => parent.send(reply))
        break
      case 'cross-validate':
        void answer(message.id, () => crossValidate(message.job, (progress) => parent.send({ id: message.id, progress }))).then((reply) => parent.send(reply))
        break
      case 'predict':
        void answer(message.id, () => predictWithRun(message.runId, message.runDir, message.preprocessing, message.examples)).then((reply) => parent.send(reply))
        break
      case 'cpu-reference':
        void answer(message.id, () => measureCpuReference(message.job)).then((reply) => parent.send(reply))
        break
      case 'train':
        if (controls) return
        controls = new JobControls()
        void runTrainingJob(message.job, (event) => parent.send({ type: 'job', event }), controls, deps).then(() => {
          // The job is over and its last event sent: let the process end once the channel drains.
          setTimeout(() => process.exit(0), 50)
        })
        break
      case 'export':
        if (controls) return
        controls = new JobControls()
        void runExportJob(message.job, (event) => parent.send({ type: 'job', event })).then(() => setTimeout(() => process.exit(0), 50))
        break
      case 'control':
        if (message.action === 'pause') controls?.pause()
        else if (message.action === 'resume') controls?.resume()
        else controls?.stop()
        break
    }
  })
}
