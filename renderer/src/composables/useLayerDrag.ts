import type { LayerType } from '../../../common/model/catalog'

/** The drag-and-drop type of a layer dragged from the palette; other drags (files, text) are ignored by the canvas. */
export const LAYER_MIME = 'application/x-strata-layer'

/** Starts dragging a palette layer: the canvas reads its type from {@link LAYER_MIME}. */
export function startLayerDrag(event: DragEvent, type: LayerType): void {
  if (!event.dataTransfer) return
  event.dataTransfer.setData(LAYER_MIME, type)
  event.dataTransfer.effectAllowed = 'copy'
}
