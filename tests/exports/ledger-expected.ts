// What the fixture's management ledger must say, line by line, written from what the fixture did
// (tests/exports/ledger-fixture.ts) and the pilot park's registry; only the ledger indices are
// looked up, by entry type and subject, in the log itself.
import { createHash } from 'node:crypto';
import { fromBase64, fromUtf8, toBase64 } from '../../ledger/index.js';
import { num } from '../../ledger/store/sql.js';
import { COLUMNS } from '../../server/exports/ledger-columns.js';
import { personOf } from '../helpers/api.js';
import { park, plateOf } from '../helpers/park.js';
import type { LedgerPark } from './ledger-fixture.js';

export type Line = Record<string, string>;

export const HEADER = COLUMNS.map((c) => c.zh);
const orgName = (id: string) => park.organisations.find((o) => o.id === id)!.name;

/** The CSV's data rows as records keyed by the Chinese headers. */
export const asLines = (rows: string[][]): Line[] => rows.map((r) => Object.fromEntries(HEADER.map((h, i) => [h, r[i]])));
/** A CSV cell as a spreadsheet shows it: the apostrophe that guards a leading `=`, `+`, `-` or `@` dropped (server/exports/csv.ts). */
export const unguarded = (cell: string) => cell.replace(/^'(?=[=+\-@])/, '');
/** CSV lines as the XLSX holds them: its cells are typed, so nothing there needs the guard. */
export const asSheetLines = (lines: Line[]): Line[] => lines.map((l) => Object.fromEntries(Object.entries(l).map(([k, v]) => [k, unguarded(v)])));

export async function expectedLines(p: LedgerPark): Promise<Line[]> {
  const sql = p.opened.ctx.db.sql;
  const idx = async (type: string, subject: { unit?: string; manifest?: string }) => {
    const [r] = await sql.query<{ idx: unknown }>(
      'SELECT idx FROM ledger_entries WHERE type = $1 AND unit_id IS NOT DISTINCT FROM $2 AND manifest_id IS NOT DISTINCT FROM $3 ORDER BY idx LIMIT 1',
      [type, subject.unit ?? null, type.startsWith('unit.') ? subject.manifest ?? null : p.manifest.id],
    );
    return num(r.idx);
  };
  const [hjA, hjB, hjC] = await Promise.all([p.units.a, p.units.b, p.units.c].map(async (id) => (await sql.query<{ hj_code: string }>('SELECT hj_code FROM units WHERE id = $1', [id]))[0].hj_code));
  const A = { 危险废物名称: '精馏残渣', 类别: 'HW02', 代码: '271-001-02', '容器/包装编码': hjA, '容器/包装类型': '钢桶' };
  const B = { 危险废物名称: '废活性炭,含"苯"', 类别: 'HW02', 代码: '271-003-02', '容器/包装编码': hjB, '容器/包装类型': '吨袋' };
  const C = { ...A, '容器/包装编码': hjC };
  const producer = personOf('producer').name, driver = personOf('driver').name, operator = personOf('operator').name;
  const m = { manifest: p.manifest.id };
  const [wA, wB, wC] = [await idx('unit.weighed', { unit: p.units.a }), await idx('unit.weighed', { unit: p.units.b }), await idx('unit.weighed', { unit: p.units.c })];
  const departed = await idx('manifest.departed', {});
  const dongxin = orgName('org-dongxin');
  const transfer = { 环节: '转移', 时间: '2026-11-12 10:00:00', 批次编码: p.events.depart, 经办人: driver, 去向: dongxin, 转移联单编号: p.manifest.number, 运输单位: orgName('org-anyun'), 车牌号: plateOf('org-anyun'), 接收单位: dongxin };
  const receipt = { 环节: '接收', 时间: '2026-11-12 14:00:00', 批次编码: p.events.receive, 经办人: operator, 转移联单编号: p.manifest.number, 接收单位: dongxin };
  const byUnit = { [p.units.a]: { ...A, 数量: '100', 称量账本序号: String(wA), 设施编码: 'site-hengkang-store' }, [p.units.b]: { ...B, 数量: '70', 称量账本序号: String(wB), 设施编码: 'site-hengkang-store' }, [p.units.c]: { ...C, 数量: '181.5', 称量账本序号: String(wC), 设施编码: 'site-hengkang-plant' } };
  const lines: Record<string, string | number>[] = [
    { 账本序号: await idx('unit.registered', { unit: p.units.a }), ...A, 环节: '产生', 时间: '2026-11-10 09:00:00', 批次编码: p.events.registerA, 数量: '100', 称量账本序号: String(wA), 设施编码: 'site-hengkang-plant', 经办人: producer },
    { 账本序号: await idx('unit.registered', { unit: p.units.b }), ...B, 环节: '产生', 时间: '2026-11-10 09:30:00', 批次编码: p.events.registerB, 数量: '70', 称量账本序号: String(wB), 设施编码: 'site-hengkang-plant', 经办人: producer },
    { 账本序号: await idx('unit.stored', { unit: p.units.a }), ...A, 环节: '入库', 时间: '2026-11-10 11:00:00', 批次编码: p.events.storeA, 数量: '100', 称量账本序号: String(wA), 设施编码: 'site-hengkang-store', 贮存位置: 'A-1', 经办人: producer },
    { 账本序号: await idx('unit.stored', { unit: p.units.b }), ...B, 环节: '入库', 时间: '2026-11-10 11:00:00', 批次编码: p.events.storeB, 数量: '70', 称量账本序号: String(wB), 设施编码: 'site-hengkang-store', 贮存位置: 'A-2', 经办人: producer },
    // A reason that would run as a formula in a spreadsheet keeps a leading apostrophe in the CSV.
    { 账本序号: await idx('unit.retrieved', { unit: p.units.b }), ...B, 环节: '出库', 时间: '2026-11-11 09:00:00', 批次编码: p.events.retrieveB, 数量: '70', 称量账本序号: String(wB), 设施编码: 'site-hengkang-store', 贮存位置: 'A-2', 经办人: producer, 备注: "'=备货出库" },
    // Registered at 00:30 CST on the 11th, which is still the 10th in UTC.
    { 账本序号: await idx('unit.registered', { unit: p.units.c }), ...C, 环节: '产生', 时间: '2026-11-11 00:30:00', 批次编码: p.events.registerC, 数量: '181.5', 称量账本序号: String(wC), 设施编码: 'site-hengkang-plant', 经办人: producer },
    // A leaves straight from storage onto the truck: its storage out is the loading.
    { 账本序号: await idx('unit.loaded', { unit: p.units.a, ...m }), ...A, 环节: '出库', 时间: '2026-11-12 09:00:00', 批次编码: p.events.pickup, 数量: '100', 称量账本序号: String(wA), 设施编码: 'site-hengkang-store', 贮存位置: 'A-1', 经办人: driver, 去向: '转移', 转移联单编号: p.manifest.number },
    // One transfer line per unit on board, in the pickup's (id) order, all naming the departure.
    ...[p.units.a, p.units.b, p.units.c].sort().map((u) => ({ 账本序号: departed, ...byUnit[u], ...transfer })),
    { 账本序号: await idx('unit.received', { unit: p.units.a, ...m }), ...A, ...receipt, 数量: '100.2', 接收结果: '接收' },
    { 账本序号: await idx('unit.received', { unit: p.units.b, ...m }), ...B, ...receipt, 数量: '69.9', 接收结果: '接收' },
    { 账本序号: await idx('unit.refused', { unit: p.units.c, ...m }), ...C, ...receipt, 数量: '131.5', 接收结果: '拒收', 备注: '桶体破损；数量不符' },
  ];
  lines.sort((x, y) => Number(x.账本序号) - Number(y.账本序号)); // stable: the transfer lines keep their order
  return lines.map((l) => {
    const full: Line = Object.fromEntries(HEADER.map((h) => [h, '']));
    Object.assign(full, l, { 账本序号: String(l.账本序号), '容器/包装数量': '1', 计量单位: l.数量 ? 'kg' : '' });
    // A receipt's quantity is the receiver's own weighing, in the receipt entry itself.
    if (l.环节 === '接收') full.称量账本序号 = String(l.账本序号);
    delete full.叶哈希;
    return full;
  });
}

/** Each line's index names a log entry of its stage's type, for its container, at its time, with its leaf hash. */
export async function checkAgainstLog(p: LedgerPark, lines: Line[]): Promise<void> {
  const types: Record<string, string[]> = { 产生: ['unit.registered'], 入库: ['unit.stored'], 出库: ['unit.retrieved', 'unit.loaded'], 转移: ['manifest.departed'], 接收: ['unit.received', 'unit.refused'] };
  const units = await p.opened.ctx.db.sql.query<{ id: string; hj_code: string }>('SELECT id, hj_code FROM units');
  const unitOf = new Map(units.map((u) => [u.hj_code, u.id]));
  for (const l of lines) {
    const res = await p.opened.app.inject({ method: 'GET', url: `/ledger/entries/${l.账本序号}` });
    if (res.statusCode !== 200) throw new Error(`entry ${l.账本序号}: ${res.statusCode}`);
    const body = res.rawPayload;
    const e = JSON.parse(fromUtf8(body));
    const leaf = toBase64(createHash('sha256').update(Buffer.concat([Buffer.from([0]), body])).digest());
    const cst = new Date(Date.parse(e.at) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    const problems = [
      !types[l.环节].includes(e.type) && `type ${e.type} for ${l.环节}`,
      e.type === 'manifest.departed' ? e.manifest !== p.manifest.id && 'another manifest' : e.unit !== unitOf.get(l['容器/包装编码']) && 'another unit',
      cst !== l.时间 && `time ${cst} vs ${l.时间}`,
      leaf !== unguarded(l.叶哈希) && 'leaf hash', // a base64 hash may start with "+", guarded like a formula
      fromBase64(unguarded(l.叶哈希)).length !== 32 && 'hash length',
    ].filter(Boolean);
    if (problems.length) throw new Error(`line at index ${l.账本序号}: ${problems.join(', ')}`);
  }
}
