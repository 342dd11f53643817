/** Image blocks: PNG data URI → 1-bit bitmap at the profile's width → GS v 0 bands (image.ts). */
import type { ImageBlock } from '../document/types.js';
import type { RenderContext } from './blocks.js';
import { decodeImageDataUri, rasterBands, toBitmap } from './image.js';

export function renderImage(ctx: RenderContext, block: ImageBlock, path: string): void {
  let bands: Uint8Array[];
  try {
    const gray = decodeImageDataUri(block.image);
    const bitmap = toBitmap(gray, {
      ...(block.width === undefined ? {} : { width: block.width }),
      maxWidth: ctx.profile.dots,
      ...(block.dither === undefined ? {} : { dither: block.dither }),
      ...(block.threshold === undefined ? {} : { threshold: block.threshold }),
    });
    bands = rasterBands(bitmap, ctx.profile.maxBandRows);
  } catch (error) {
    ctx.warnings.add({ code: 'IMAGE_INVALID', path, message: `image skipped: ${(error as Error).message}` });
    return;
  }
  ctx.style.align(block.align ?? 'center');
  for (const band of bands) ctx.sink.emit('GS v 0', band);
}
