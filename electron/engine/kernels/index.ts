// The WebAssembly SIMD subsystem's browser-safe face (the GPU engine's Worker bundles it); threads.ts is its one
// Node-only face. See README.md here.
export { fusedAdam } from './adam-optimizer'
export { denseStackStep } from './dense-step'
export { applyForLogits, softmaxCrossEntropy, softmaxOutputLayer } from './softmax-loss'
export { registerMissingWasmKernels } from './tf-kernels'
