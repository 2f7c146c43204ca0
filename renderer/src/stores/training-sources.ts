import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { DatasetSummary } from '../../../common/contract/dataset'
import type { ModelLine } from '../../../common/contract/model'
import { invoke } from '../api/client'

/** The datasets and models a run can be started with. */
export const useTrainingSources = defineStore('training-sources', () => {
  const datasets = ref<DatasetSummary[]>([])
  const models = ref<ModelLine[]>([])

  async function load(): Promise<void> {
    ;[datasets.value, models.value] = await Promise.all([invoke('dataset:list', {}), invoke('model:list', {})])
  }

  return { datasets, models, load }
})
