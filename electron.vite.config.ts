import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import { CONTENT_SECURITY_POLICY } from './common/security'

const root = __dirname

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      rollupOptions: {
        input: {
          index: resolve(root, 'electron/main/index.ts'),
          cli: resolve(root, 'electron/host/cli-entry.ts'),
          engine: resolve(root, 'electron/engine/process/engine-entry.ts'),
          'csv-worker': resolve(root, 'electron/store/csv-worker.ts'),
          // conv-gemm's worker threads (kernels/threads.ts starts them from this file).
          'conv-worker': resolve(root, 'electron/engine/kernels/conv-worker.ts')
        }
      }
    }
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload cannot require packages: bundle everything it uses.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts'), 'gpu-engine': resolve(root, 'electron/preload/gpu-engine.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve(root, 'renderer'),
    base: './',
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: { index: resolve(root, 'renderer/index.html'), 'gpu-engine': resolve(root, 'renderer/gpu-engine.html') } }
    },
    // The GPU engine's Worker is a module worker (Electron's Chromium supports them).
    worker: { format: 'es' },
    plugins: [
      vue(),
      {
        name: 'strata-csp',
        transformIndexHtml: (html) => html.replace('%STRATA_CSP%', CONTENT_SECURITY_POLICY)
      }
    ]
  }
})
