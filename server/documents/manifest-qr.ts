// The QR on the printed manifest: it opens the manifest's evidence bundle (its chain and its
// units' chains with inclusion proofs against a signed checkpoint) for verification. There is no
// public manifest page yet, so it is the API route, which asks for a login.
import QRCode from 'qrcode';

/** The URL the manifest's QR carries. */
export function manifestEvidenceUrl(publicUrl: string, manifestId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/manifests/${encodeURIComponent(manifestId)}/evidence`;
}

/** The QR as a PNG (EC level M, 4-module quiet zone, 8 px per module): what the PDF embeds. */
export async function manifestQr(publicUrl: string, manifestId: string): Promise<{ url: string; png: Buffer }> {
  const url = manifestEvidenceUrl(publicUrl, manifestId);
  const png = await QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 8 });
  return { url, png };
}
