/** The one contract between the renderer and the services: channels, events, their schemas and types. */
export * from './channels'
export * from './define'
export * from './app'
export * from './engine'
export * from './project'
export * from './model'
export * from './dispatch'
