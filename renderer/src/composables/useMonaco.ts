import { z } from 'zod'
import { ModelSpecSchema } from '../../../common/model/spec'

/** The part of Monaco the code view uses. */
export type Monaco = typeof import('monaco-editor/editor/editor.api')

let loading: Promise<Monaco> | null = null

/**
 * Loads Monaco on first use (so the rest of the studio stays light), with its editor and JSON workers as
 * same-origin files, which the studio's CSP allows without `unsafe-eval`; nothing is fetched from the network.
 */
export function loadMonaco(): Promise<Monaco> {
  loading ??= (async () => {
    const [monaco, { default: EditorWorker }, { default: JsonWorker }, json] = await Promise.all([
      import('monaco-editor/editor/editor.api'),
      import('monaco-editor/editor/editor.worker?worker'),
      import('monaco-editor/language/json/json.worker?worker'),
      import('monaco-editor/languages/features/json/register'),
      import('monaco-editor/languages/definitions/typescript/register'),
      import('monaco-editor/languages/definitions/python/register'),
      // Hover shows the validation message under the pointer; codicons draw the editor's icons.
      import('monaco-editor/features/hover/register'),
      import('monaco-editor/features/find/register'),
      import('monaco-editor/features/codicon/register'),
      // Contributions that language modes pull in register their services here, before the first editor
      // starts Monaco's service container; registered later, they would fail with "depends on UNKNOWN service".
      import('monaco-editor/features/suggest/register'),
      import('monaco-editor/features/codelens/register'),
      import('monaco-editor/features/dropOrPasteInto/register')
    ])
    self.MonacoEnvironment = {
      getWorker: (_id: string, label: string) => (label === 'json' ? new JsonWorker() : new EditorWorker())
    }
    json.jsonDefaults.setDiagnosticsOptions({
      validate: true,
      allowComments: false,
      enableSchemaRequest: false,
      schemas: [{ uri: 'strata://schemas/strata.model-1.json', fileMatch: ['*.strata-model.json'], schema: z.toJSONSchema(ModelSpecSchema, { io: 'input', unrepresentable: 'any' }) as never }]
    })
    return monaco
  })()
  return loading
}
