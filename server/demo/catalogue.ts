// What the demo park produces and who moves it: the two demo producers' waste streams (codes from
// the national list that the receiver's licence covers), their stores, scales and bays, the
// transporters' vehicles, the recycler refused solvents go on to, and the words people write when
// something goes wrong.

export type Who = 'producer' | 'producer2' | 'driver' | 'driver2' | 'operator' | 'operator2';

export interface Stream {
  wasteCode: string;
  name: string;
  hazards: string[];
  physicalForm: string;
  containerType: string;
  volumeL: number;
  components: string;
  /** Tare and net ranges in kg, and the GRAI asset type of the container. */
  tare: [number, number];
  net: [number, number];
  assetType: string;
  /** Which storage zone it goes to. */
  zone: string;
}

export interface Producer {
  who: Who;
  orgId: string;
  plantId: string;
  storeId: string;
  scaleId: string;
  /** Streams with their weights (how often the plant fills one). */
  streams: [Stream, number][];
}

const drum = { containerType: '钢桶', volumeL: 200, tare: [19.2, 22.4] as [number, number], assetType: '00017' };
const plasticDrum = { containerType: '塑料桶', volumeL: 200, tare: [8.4, 9.6] as [number, number], assetType: '00018' };
const ibc = { containerType: 'IBC 吨桶', volumeL: 1000, tare: [55.5, 61.8] as [number, number], assetType: '00021' };
const bag = { containerType: '吨袋', volumeL: 1000, tare: [2.6, 3.4] as [number, number], assetType: '00031' };

const S = {
  residue: { wasteCode: '271-001-02', name: '精馏残渣', hazards: ['T'], physicalForm: '半固态', components: '甲苯、二氯甲烷精馏釜残', net: [148, 186], zone: 'A', ...drum },
  motherLiquor: { wasteCode: '271-002-02', name: '废母液', hazards: ['T'], physicalForm: '液态', components: '含乙醇、乙酸乙酯的结晶母液', net: [168, 196], zone: 'B', ...plasticDrum },
  motherLiquorIbc: { wasteCode: '271-002-02', name: '废母液', hazards: ['T'], physicalForm: '液态', components: '含甲醇、无机盐的离心母液', net: [860, 965], zone: 'B', ...ibc },
  filterCake: { wasteCode: '271-003-02', name: '废脱色滤渣', hazards: ['T'], physicalForm: '固态', components: '废活性炭、硅藻土滤饼', net: [82, 121], zone: 'A', ...drum },
  adsorbent: { wasteCode: '271-004-02', name: '废吸附剂', hazards: ['T'], physicalForm: '固态', components: '废分子筛、大孔吸附树脂', net: [108, 152], zone: 'A', ...drum },
  offSpec: { wasteCode: '271-005-02', name: '不合格中间体', hazards: ['T'], physicalForm: '固态', components: '结晶不合格的医药中间体', net: [120, 165], zone: 'A', ...drum },
  solvent: { wasteCode: '900-402-06', name: '废有机溶剂', hazards: ['T', 'I', 'R'], physicalForm: '液态', components: '甲苯、丙酮、乙醇混合废溶剂', net: [146, 168], zone: 'C', ...drum },
  halogenated: { wasteCode: '900-401-06', name: '废卤化溶剂', hazards: ['T', 'I'], physicalForm: '液态', components: '二氯甲烷、三氯甲烷', net: [228, 258], zone: 'C', ...drum },
  packaging: { wasteCode: '900-041-49', name: '沾染废包装物', hazards: ['T', 'In'], physicalForm: '固态', components: '沾染原料药的内衬袋、编织袋', net: [64, 118], zone: 'D', ...bag },
  carbon: { wasteCode: '900-039-49', name: '废活性炭', hazards: ['T'], physicalForm: '固态', components: 'RTO 前置吸附废活性炭', net: [310, 445], zone: 'D', ...bag },
  labWaste: { wasteCode: '900-047-49', name: '实验室废液', hazards: ['T', 'C', 'I', 'R'], physicalForm: '液态', components: 'QC 实验室 HPLC 流动相废液', net: [150, 178], zone: 'C', ...plasticDrum },
} satisfies Record<string, Stream>;

export const PRODUCERS: Producer[] = [
  {
    who: 'producer',
    orgId: 'org-hengkang',
    plantId: 'site-hengkang-plant',
    storeId: 'site-hengkang-store',
    scaleId: 'dev-hengkang-scale',
    streams: [[S.residue, 5], [S.motherLiquor, 4], [S.motherLiquorIbc, 1], [S.filterCake, 3], [S.solvent, 3], [S.halogenated, 2], [S.packaging, 2], [S.carbon, 1]],
  },
  {
    who: 'producer2',
    orgId: 'org-ruitai',
    plantId: 'site-ruitai-plant',
    storeId: 'site-ruitai-store',
    scaleId: 'dev-ruitai-scale',
    streams: [[S.residue, 3], [S.motherLiquor, 3], [S.adsorbent, 3], [S.offSpec, 2], [S.solvent, 2], [S.labWaste, 2], [S.packaging, 1]],
  },
];

export const RECEIVER = { orgId: 'org-dongxin', method: 'D10' };

/** The solvent recycler (licence lic-lvxun: waste solvents, R2), where a refused solvent drum goes on to. */
export const RECYCLER = { who: 'operator2' as const, orgId: 'org-lvxun', method: 'R2', wasteCodes: ['900-401-06', '900-402-06'] };

export interface Transporter {
  who: Who;
  orgId: string;
  van: { plate: string; ratedKg: number };
  truck: { plate: string; ratedKg: number };
  /** Another of its vehicles, which the receiver's gate camera may read instead (a planted fault). */
  other: string;
}

export const TRANSPORTERS: Transporter[] = [
  { who: 'driver', orgId: 'org-anyun', van: { plate: '浙JA3275', ratedKg: 1800 }, truck: { plate: '浙JC0916', ratedKg: 9800 }, other: '浙J27581' },
  { who: 'driver2', orgId: 'org-taihang', van: { plate: '浙JD27316', ratedKg: 1200 }, truck: { plate: '浙J61837D', ratedKg: 8000 }, other: '浙J83C52' },
];

export const GS1_PREFIX = '6901234';

export const CANCEL_REASONS = ['联单信息填写有误，作废后重新开具', '运输车辆临时检修，改期转移', '接收单位焚烧线检修，暂停接收'];
export const PICKUP_RETRIEVAL = '出库待转移';
export const MOVE_RETRIEVAL = '贮存库内倒库';

export const REFUSALS = {
  type: (code: string) => `开桶抽检：桶内物料性状、气味与申报废物代码 ${code} 不符`,
  // Refused before it is weighed: a leaking drum is not unloaded onto the scale.
  quantity: '桶体底部渗漏、封口不严，未卸车称重，按数量差异拒收',
  whole: '抽检 pH<2，废物特性与联单申报不符，整车拒收',
  recycle: '开桶抽检：废溶剂含水率高、热值偏低，不宜焚烧，转有资质的溶剂再生单位',
};

/** Corrections: a planned date moved (approved by all), a vehicle swap the producer turns down. */
export const CORRECTIONS = {
  postpone: '接收单位焚烧线临时检修，转移日期顺延一天',
  swap: (plate: string) => `原定车辆临时送检，改派 ${plate}`,
  swapRefused: (plate: string) => `${plate} 为罐式车辆，不能装运桶装危险废物`,
};
