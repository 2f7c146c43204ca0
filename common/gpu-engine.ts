/** The message that hands the GPU engine window its port to main (IPC channel and window message alike). */
export const GPU_ENGINE_PORT_MESSAGE = 'strata:gpu-engine-port'
