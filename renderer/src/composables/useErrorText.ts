import { useI18n } from 'vue-i18n'
import { ApiError } from '../api/client'

/** Turns a thrown error into the plain-language message of the user's language, with technical detail apart. */
export function useErrorText(): (err: unknown) => { message: string; detail?: string } {
  const { t, te } = useI18n()
  return (err) => {
    if (err instanceof ApiError) {
      const key = `errors.${err.error.code}`
      const message = err.error.code !== 'INTERNAL' && te(key) ? t(key, err.error.params ?? {}) : err.error.message
      return { message, detail: err.error.detail }
    }
    return { message: t('errors.INTERNAL'), detail: err instanceof Error ? err.message : String(err) }
  }
}
