// The management ledger's (管理台账, HJ 1259-2022) columns: the Chinese header each file shows,
// the English name the docs use, and where each value comes from. One table for all stages: a
// line leaves empty what its stage does not have. HJ 1259 names the generation stage's fields;
// the later stages' are unconfirmed (reference/domain.md §A5), so they take the same names.
import { cstTime } from '../china-time.js';

/** The stages the producer's ledger records, as HJ 1259 names them. */
export const STAGES = {
  generation: '产生',
  storageIn: '入库',
  storageOut: '出库',
  transfer: '转移',
  receipt: '接收',
} as const;
export type Stage = keyof typeof STAGES;

/** One line of the ledger: one container (unit) at one step, and the sealed entry that proves it. */
export interface LedgerLine {
  /** The log index of the entry this line comes from; the transfer lines of one departure share it. */
  index: number;
  leafHash: string;
  stage: Stage;
  /** When the step happened (the entry's `at`), RFC 3339. */
  at: string;
  /** The step's client event id: the producer's own record number for it. */
  batch?: string;
  wasteName: string;
  wasteCategory: string;
  wasteCode: string;
  /** Net kilograms as the ledger entry wrote them (decimal text). */
  quantityKg?: string;
  /** The log index of the weighing (or receipt) the quantity comes from. */
  quantityIndex?: number;
  /** The HJ 1276 digital identification code of the container. */
  containerCode: string;
  containerType: string;
  facility?: string;
  bay?: string;
  handler?: string;
  destination?: string;
  manifestNumber?: string;
  carrier?: string;
  vehiclePlate?: string;
  receiver?: string;
  outcome?: string;
  note?: string;
}

type Cell = string | number | undefined;

export interface Column {
  zh: string;
  en: string;
  value(l: LedgerLine): Cell;
  /** Written as a number in XLSX (CSV keeps the exact text). */
  numeric?: boolean;
}

export const COLUMNS: readonly Column[] = [
  { zh: '账本序号', en: 'ledger index', value: (l) => l.index, numeric: true },
  { zh: '环节', en: 'stage', value: (l) => STAGES[l.stage] },
  { zh: '时间', en: 'time (CST)', value: (l) => cstTime(l.at) },
  { zh: '批次编码', en: 'batch code (event id)', value: (l) => l.batch },
  { zh: '危险废物名称', en: 'waste name', value: (l) => l.wasteName },
  { zh: '类别', en: 'category (HW..)', value: (l) => l.wasteCategory },
  { zh: '代码', en: 'waste code', value: (l) => l.wasteCode },
  { zh: '数量', en: 'quantity (net)', value: (l) => l.quantityKg, numeric: true },
  { zh: '计量单位', en: 'unit of measure', value: (l) => (l.quantityKg === undefined ? undefined : 'kg') },
  { zh: '称量账本序号', en: 'ledger index of the weighing', value: (l) => l.quantityIndex, numeric: true },
  { zh: '容器/包装编码', en: 'container code (HJ 1276)', value: (l) => l.containerCode },
  { zh: '容器/包装类型', en: 'container type', value: (l) => l.containerType },
  { zh: '容器/包装数量', en: 'number of containers', value: () => 1, numeric: true },
  { zh: '设施编码', en: 'facility (site) code', value: (l) => l.facility },
  { zh: '贮存位置', en: 'storage bay', value: (l) => l.bay },
  { zh: '经办人', en: 'responsible person', value: (l) => l.handler },
  { zh: '去向', en: 'destination', value: (l) => l.destination },
  { zh: '转移联单编号', en: 'transfer manifest number', value: (l) => l.manifestNumber },
  { zh: '运输单位', en: 'carrier', value: (l) => l.carrier },
  { zh: '车牌号', en: 'vehicle plate', value: (l) => l.vehiclePlate },
  { zh: '接收单位', en: 'receiver', value: (l) => l.receiver },
  { zh: '接收结果', en: 'receipt outcome', value: (l) => l.outcome },
  { zh: '备注', en: 'note', value: (l) => l.note },
  { zh: '叶哈希', en: 'leaf hash (base64)', value: (l) => l.leafHash },
];
