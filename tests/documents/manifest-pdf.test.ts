// The manifest PDF, read back with pdf.js: its text names the manifest, the parties, the weights,
// the signers and the ledger index of each step; its QR decodes to the evidence URL.
import { Resvg } from '@resvg/resvg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestEvidenceUrl, manifestQr } from '../../server/documents/manifest-qr.js';
import { DRIVERS } from '../helpers/databases.js';
import { closeScenario, openScenario, plateOf, type Scenario } from './fixture.js';
import { jsQR, pdfImages, pdfPageTexts } from './pdf-read.js';

describe('manifest QR helper', () => {
  it('encodes the evidence URL in a PNG that scans back to it', async () => {
    const { url, png } = await manifestQr('https://ledger.example.cn/', 'b0c1d2e3-0000-4000-8000-000000000001');
    expect(url).toBe('https://ledger.example.cn/api/manifests/b0c1d2e3-0000-4000-8000-000000000001/evidence');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // Scan it as a phone would: the PNG rendered at 300 px, then decoded.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"><rect width="300" height="300" fill="#fff"/><image width="300" height="300" href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
    const img = new Resvg(svg, { font: { loadSystemFonts: false } }).render();
    expect(jsQR(new Uint8ClampedArray(img.pixels), img.width, img.height)?.data).toBe(url);
  });

  it('escapes the manifest id into the path', () => {
    expect(manifestEvidenceUrl('http://localhost:8080', 'a/b')).toBe('http://localhost:8080/api/manifests/a%2Fb/evidence');
  });
});

describe.each(DRIVERS)('the manifest PDF on %s', (driver) => {
  let s: Scenario;
  let pdf: Buffer;
  let text: string;
  /** Lines wrap where the cell ends, so compare without white space. */
  const has = (part: string) => expect(text.replace(/\s+/g, '')).toContain(part.replace(/\s+/g, ''));

  beforeAll(async () => {
    s = await openScenario(driver);
    const res = await (await s.as('inspector')).request('GET', `/api/manifests/${s.manifest.id}/manifest.pdf`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain(`manifest-${s.manifest.number}.pdf`);
    pdf = res.rawPayload;
    text = (await pdfPageTexts(pdf)).join('\n');
  });
  afterAll(() => closeScenario(s));

  it('is an A4 PDF with the manifest number and every party: consignor, each leg with transporter and vehicle, receiver', () => {
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain('/MediaBox [0 0 595.28 841.89]');
    has('危险废物转移联单');
    has(`联单编号 Manifest No. ${s.manifest.number}`);
    for (const name of ['浙江恒康原料药有限公司', '9133108214815273XT', '王建国 0576-85961201']) has(name);
    has('第1程 Leg 1: 临海市安运危险货物运输有限公司');
    has('第2程 Leg 2: 台州泰航化工物流有限公司');
    has(`车辆 Vehicle ${plateOf('org-anyun')}`);
    has(`车辆 Vehicle ${plateOf('org-taihang')}`);
    has('台州东鑫危废处置有限公司');
    has('浙危废经第0362号');
    has('已签收 received');
  });

  it("lists the units with waste code, name, the producer's and the receiver's weights and the outcome", () => {
    has('271-001-02 HW02');
    has('废活性炭');
    has('GRAI 069012340001771000001');
    has('无标签 no tag');
    has('净 net 100 kg'); // producer: 120 − 20
    has('净 net 194 kg'); // receiver: 212.5 − 18.5
    has('净 net 181.5 kg'); // producer of the refused unit: 200 − 18.5
    has('净 net 131.5 kg'); // receiver of the refused unit: 150 − 18.5
    has('已处置 treated D10');
    has('拒收 refused: 桶体破损，称重偏轻');
    has('接受 accepted');
  });

  it('shows each step with its signer, role, signature and ledger index', async () => {
    const { ctx } = s.opened;
    const rows = await ctx.db.sql.query<{ idx: unknown; type: string }>('SELECT idx, type FROM ledger_entries WHERE manifest_id = $1 ORDER BY idx', [s.manifest.id]);
    expect(rows.length).toBeGreaterThanOrEqual(15);
    // The first entry of each step is shown; a step's entries are consecutive (#a–b).
    const created = Number(rows.find((r) => r.type === 'manifest.created')!.idx);
    const disposed = Number(rows.find((r) => r.type === 'unit.disposed')!.idx);
    has(`#${created}`);
    has(`#${disposed}`);
    const loaded = rows.filter((r) => r.type === 'unit.loaded').map((r) => Number(r.idx));
    has(`#${loaded[0] - 1}–${loaded.at(-1)}`); // the pickup: the driver's entry and one per unit
    for (const who of ['王建国 · 产生单位 producer', '李强 · 驾驶员 driver', '吴刚 · 驾驶员 driver', '赵敏 · 经营单位 operator']) has(who);
    has('本人签名 signed EdDSA person:p-wang-jianguo');
    has('本人签名 signed EdDSA person:p-li-qiang');
    has('本人签名 signed EdDSA person:p-zhao-min');
    has('服务器证明 server-attested (person:p-wu-gang)');
    has('提货 pickup, 第1程 leg 1');
    has('签收 receipt: 2 接受 accepted, 1 拒收 refused');
    has('处置 treatment D10');
  });

  it('carries a QR that scans back to the evidence URL', async () => {
    const url = `${s.opened.ctx.custody.publicUrl}/api/manifests/${s.manifest.id}/evidence`;
    has(url);
    const [qr] = await pdfImages(pdf, 1);
    expect(qr.width).toBeGreaterThan(200);
    expect(jsQR(qr.rgba, qr.width, qr.height)?.data).toBe(url);
  });

  it('has the scope of GET /api/manifests/{id}', async () => {
    const status = async (who: Parameters<Scenario['as']>[0]) => (await (await s.as(who)).request('GET', `/api/manifests/${s.manifest.id}/manifest.pdf`)).statusCode;
    expect(await status('producer')).toBe(200);
    expect(await status('driver2')).toBe(200);
    expect(await status('operator')).toBe(200);
    expect(await status('producer2')).toBe(403);
    expect(await status('operator2')).toBe(403);
    expect((await (await s.as('producer')).request('GET', '/api/manifests/no-such-manifest/manifest.pdf')).statusCode).toBe(404);
    expect((await s.docs.inject({ method: 'GET', url: `/api/manifests/${s.manifest.id}/manifest.pdf` })).statusCode).toBe(401);
  });
});
