import { describe, expect, it } from 'vitest';
import { Resvg } from '@resvg/resvg-js';
import jsQRModule from 'jsqr';
import { labelSvg } from '../../server/labels/index.js';
import { atSize } from './fixture.js';

// jsqr is CommonJS with an `exports.default`: take the function whichever way it was interop'ed.
type Decode = typeof jsQRModule.default;
const jsQR = (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode);

/** Renders the whole label (no fonts needed: the QR is paths) and scans it like a phone would. */
function scan(svg: string, widthPx: number): string | undefined {
  const img = new Resvg(svg, { fitTo: { mode: 'width', value: widthPx }, font: { loadSystemFonts: false } }).render();
  return jsQR(new Uint8ClampedArray(img.pixels), img.width, img.height)?.data;
}

describe('the label QR code decodes back to qrUrl', () => {
  it.each([[10, 100], [200, 150], [1000, 200]])('%s L container (%s mm label)', async (volume, mm) => {
    const data = atSize(volume);
    const svg = await labelSvg(data);
    expect(svg).toContain(`width="${mm}mm"`);
    expect(scan(svg, 8 * mm)).toBe(data.qrUrl); // 8 px per mm ≈ 200 dpi
  });

  it('carries long URLs with query strings exactly', async () => {
    const qrUrl = 'https://id.hazledger.example/8003/06901234000017000123?17=20240501&10=271-001-02&x=' + 'a1'.repeat(60);
    expect(scan(await labelSvg(atSize(10, { qrUrl })), 1200)).toBe(qrUrl);
  });
});
