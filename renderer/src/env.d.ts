/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

interface Window {
  /** Present only inside the Electron app: the preload's bridge to the contract. */
  strata?: {
    invoke(channel: string, payload: unknown): Promise<unknown>
    on(event: string, listener: (payload: unknown) => void): () => void
  }
}

