// The PDF layout alone (no database): a long manifest flows over pages, each table's header
// repeated, every row present once, a page footer on each page, and long cells cut, not spilled.
import { describe, expect, it } from 'vitest';
import { manifestPdf } from '../../server/documents/manifest-pdf.js';
import { manifestQr } from '../../server/documents/manifest-qr.js';
import type { ManifestView } from '../../server/documents/manifest-view.js';
import { pdfPageTexts } from './pdf-read.js';

async function view(units: number, steps: number): Promise<ManifestView> {
  const party = { name: '浙江恒康原料药有限公司', uscc: '9133108214815273XT', contact: '王建国 0576-85961201', address: '浙江省台州市临海市杜桥镇医化园区东海第三大道8号' };
  return {
    id: 'm-1', number: '3320261128000042', state: 'picked_up', version: 2, plannedDate: '2026-11-30', createdAt: '2026-11-28T01:00:00.000Z', onwardOf: '3320261127000007',
    consignor: party,
    legs: [1, 2, 3].map((leg) => ({ leg, transporter: { name: `运输公司${leg}`, uscc: '91331082742906354J' }, vehiclePlate: `浙J2758${leg}`, vehicleKind: 'hazmat-tanker' })),
    receiver: { ...party, name: '台州东鑫危废处置有限公司', licences: ['浙危废经第0362号'], role: 'operator' },
    units: Array.from({ length: units }, (_, i) => ({
      id: `u-${i}`, hjCode: `9133108214815273XT27100102202611200${String(i).padStart(2, '0')}`.slice(0, 37), grai: i % 2 ? `0690123400017${1000000 + i}` : undefined,
      wasteCode: '271-001-02', wasteCategory: 'HW02', name: `精馏残渣第${i + 1}桶`, container: '钢桶 200 L',
      producerKg: { grossKg: '120', tareKg: '20', netKg: '100', index: 1000 + i },
      outcome: i === 0 ? '拒收 refused: ' + '桶体破损，称重偏轻，'.repeat(12) : '运输中 in transit',
    })),
    steps: Array.from({ length: steps }, (_, i) => ({ indexes: [2000 + 2 * i, 2001 + 2 * i], at: '2026-11-28T02:00:00.000Z', label: `步骤 step ${i + 1}`, signer: '李强 · 驾驶员 driver · 临海市安运危险货物运输有限公司', signature: '本人签名 signed EdDSA person:p-li-qiang' })),
    chainHead: { entries: units + steps, lastIndex: 2000 + 2 * steps, leafHash: 'Jy/6YvJqqGnmZyGqI010iuEa/Z+Ns7gyTBocgKTb4ME=' },
    qr: await manifestQr('https://ledger.example.cn', 'm-1'),
  };
}

describe('manifest PDF layout', () => {
  it('flows a long manifest over pages with headers and footers', async () => {
    const pages = (await pdfPageTexts(await manifestPdf(await view(90, 60)))).map((t) => t.replace(/\s+/g, ''));
    expect(pages.length).toBeGreaterThanOrEqual(4);
    pages.forEach((t, i) => expect(t).toContain(`第${i + 1}/${pages.length}页page`));
    const all = pages.join('');
    for (let i = 0; i < 90; i++) expect(all.split(`精馏残渣第${i + 1}桶·`).length - 1).toBe(1);
    for (let i = 0; i < 60; i++) expect(all).toContain(`#${2000 + 2 * i}–${2001 + 2 * i}`);
    // the units table's header is repeated on the pages it continues onto
    expect(pages.filter((t) => t.includes('产生单位称重Producer')).length).toBeGreaterThanOrEqual(2);
    expect(pages[0]).toContain('续联单Onwardmanifestof3320261127000007');
    expect(all).toContain('第3程Leg3:运输公司3');
    expect(all).toContain('未接管Notyettakenover');
    expect(all).toMatch(/拒收refused:(桶体破损，称重偏轻，)+桶?体?破?损?…/); // cut after three lines, marked
  });
});
