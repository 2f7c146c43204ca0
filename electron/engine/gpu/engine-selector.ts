import type { ErrorCode } from '../../../common/errors'
import { hasCheckpoint } from '../train/checkpoint'
import type { EnginePort, EngineReply, EngineRequest, TrainJob } from '../process/protocol'
import { checkpointDir } from '../../store/run-folder'

/** Failures of the GPU engine after which a run carries on in the CPU engine instead of failing. */
const CARRY_ON_ON_CPU: readonly ErrorCode[] = ['GPU_UNAVAILABLE', 'GPU_LOST']

/**
 * One engine port for a job that trains on the GPU engine when one is offered and falls back to the CPU engine by
 * itself: when the GPU is missing, software-only, slower for this model (its calibration says so) or lost mid-run,
 * the CPU engine takes the same job, resuming from the last checkpoint the GPU wrote, and its backend event says
 * why the GPU was left. Requests other than training, and runs set to a backend other than `auto`, always go to the
 * CPU engine. Services cannot tell.
 */
export function preferGpuEngine(launchGpu: () => EnginePort | null, launchCpu: () => EnginePort): EnginePort {
  const replyListeners: Array<(m: EngineReply) => void> = []
  const exitListeners: Array<(code: number | null) => void> = []
  let current: EnginePort | null = null
  const forward = (m: EngineReply) => replyListeners.forEach((l) => l(m))

  function useCpu(whyNotGpu: string | null): EnginePort {
    const cpu = launchCpu()
    cpu.onMessage((m) => {
      if (whyNotGpu && 'type' in m && m.type === 'job' && m.event.type === 'backend') {
        forward({ type: 'job', event: { ...m.event, reasons: [{ id: 'gpu', reason: whyNotGpu }, ...m.event.reasons] } })
      } else forward(m)
    })
    cpu.onExit((code) => exitListeners.forEach((l) => l(code)))
    current = cpu
    return cpu
  }

  function useGpu(gpu: EnginePort, job: TrainJob): void {
    let carryOn: string | null = null
    gpu.onMessage((m) => {
      if ('type' in m && m.type === 'job' && m.event.type === 'failed' && CARRY_ON_ON_CPU.includes(m.event.error.code)) {
        carryOn = m.event.error.message
        return
      }
      forward(m)
    })
    gpu.onExit((code) => {
      if (carryOn === null) {
        exitListeners.forEach((l) => l(code))
        return
      }
      const resume = job.resume || hasCheckpoint(checkpointDir(job.runDir, 'last'))
      useCpu(carryOn).postMessage({ type: 'train', job: { ...job, resume } })
    })
    current = gpu
  }

  return {
    postMessage(message: EngineRequest) {
      if (!current) {
        // Only `auto` may pick the GPU: a backend the user chose is the CPU engine's to honour.
        const gpu = message.type === 'train' && message.job.config.backend === 'auto' ? launchGpu() : null
        if (gpu && message.type === 'train') useGpu(gpu, message.job)
        else useCpu(null)
      }
      current!.postMessage(message)
    },
    onMessage: (listener) => void replyListeners.push(listener),
    onExit: (listener) => void exitListeners.push(listener),
    kill: () => current?.kill()
  }
}
