// Reading a PDF back as a viewer would, with Mozilla's pdf.js (pdfjs-dist, test-only): each page's
// text in drawing order, and the images it paints with their pixels (for the QR code).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import jsQRModule from 'jsqr';

type Decode = typeof jsQRModule.default;
export const jsQR = (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode);

const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

async function open(pdf: Buffer) {
  return getDocument({
    data: new Uint8Array(pdf),
    standardFontDataUrl: join(root, 'standard_fonts') + '/',
    isEvalSupported: false,
    isOffscreenCanvasSupported: false,
    verbosity: 0,
  }).promise;
}

/** The text of each page: its text runs joined in drawing order. */
export async function pdfPageTexts(pdf: Buffer): Promise<string[]> {
  const doc = await open(pdf);
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((it) => ('str' in it ? it.str : '')).join(''));
  }
  await doc.destroy();
  return pages;
}

export interface PdfImage { width: number; height: number; rgba: Uint8ClampedArray }

/** The images painted on page `n` (1-based), decoded to RGBA. */
export async function pdfImages(pdf: Buffer, n = 1): Promise<PdfImage[]> {
  const doc = await open(pdf);
  const page = await doc.getPage(n);
  const ops = await page.getOperatorList();
  const names = ops.fnArray.flatMap((fn, i) => (fn === OPS.paintImageXObject ? [ops.argsArray[i][0] as string] : []));
  const images: PdfImage[] = [];
  for (const name of names) {
    const img = await new Promise<{ width: number; height: number; data: Uint8ClampedArray | Uint8Array; kind: number }>((resolve) => page.objs.get(name, resolve));
    const px = img.width * img.height;
    const rgba = new Uint8ClampedArray(px * 4);
    const channels = img.data.length / px; // kind 2: RGB, 3: RGBA
    for (let i = 0; i < px; i++) {
      for (let c = 0; c < 3; c++) rgba[i * 4 + c] = img.data[i * channels + c];
      rgba[i * 4 + 3] = channels === 4 ? img.data[i * 4 + 3] : 255;
    }
    images.push({ width: img.width, height: img.height, rgba });
  }
  await doc.destroy();
  return images;
}
