/** The message that hands the GPU engine window its port to main (IPC channel and window message alike). */
export const GPU_ENGINE_PORT_MESSAGE = 'strata:gpu-engine-port'

/** Reason ids the GPU engine records on a run: the GPU backend it trained on, or `gpu` when the CPU took over. */
const GPU_REASON_IDS = ['webgpu', 'webgl', 'gpu']

/**
 * The GPU engine's note on a run, for its backend badge: the device and its calibration figures when it trained on
 * the GPU ("GPU: Apple M2 via WebGL (…)"), or why the CPU trained instead ("GPU slower for this model (…)").
 * Null when the GPU engine was not involved. The first matching reason is the deciding one.
 */
export function gpuEngineNote(reasons: ReadonlyArray<{ id: string; reason: string }>): string | null {
  return reasons.find((r) => GPU_REASON_IDS.includes(r.id))?.reason ?? null
}
