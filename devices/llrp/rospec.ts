// The one ROSpec shape hazledger uses (ADD_ROSPEC): one AISpec over a list of antennas (0 = all),
// one InventoryParameterSpec for EPCglobal Class 1 Gen 2, and a ROReportSpec. Periodic/GPI
// triggers, RF surveys, LoopSpecs and C1G2 filters are not written and decode as UNSUPPORTED.
import { FrameError } from '../codec.js';
import { ParseError, Reader, Writer, checkUint, paramsOf, type Param } from './bytes.js';
import { AIR_PROTOCOL_EPC_C1G2, PARAM } from './constants.js';

export type StartTrigger = 'null' | 'immediate';
/** 'null': runs until STOP_ROSPEC (or, in an AISpec, until the ROSpec ends). */
export type StopTrigger = 'null' | { durationMs: number };

export interface ReportContent {
  roSpecId: boolean;
  specIndex: boolean;
  inventoryParameterSpecId: boolean;
  antennaId: boolean;
  channelIndex: boolean;
  peakRssi: boolean;
  firstSeenTimestamp: boolean;
  lastSeenTimestamp: boolean;
  tagSeenCount: boolean;
  accessSpecId: boolean;
}
/** TagReportContentSelector bits, most significant first (bit 15 = EnableROSpecID). */
const CONTENT_BITS: (keyof ReportContent)[] = [
  'roSpecId', 'specIndex', 'inventoryParameterSpecId', 'antennaId', 'channelIndex',
  'peakRssi', 'firstSeenTimestamp', 'lastSeenTimestamp', 'tagSeenCount', 'accessSpecId',
];

export const REPORT_TRIGGERS = ['none', 'n_tags_or_end_of_aispec', 'n_tags_or_end_of_rospec'] as const;
export interface RoReportSpec {
  trigger: (typeof REPORT_TRIGGERS)[number];
  /** Report after N tags (0 = only at the end of the AISpec/ROSpec). */
  n: number;
  content: ReportContent;
}

/** Optional AntennaConfiguration → C1G2InventoryCommand inside the InventoryParameterSpec. */
export interface C1G2Settings {
  antennaId: number;
  rfControl?: { modeIndex: number; tari: number };
  singulation?: { session: number; tagPopulation: number; tagTransitTime: number };
}

const STATES = ['disabled', 'inactive', 'active'] as const;

export interface RoSpec {
  roSpecId: number;
  priority: number;
  currentState: (typeof STATES)[number];
  startTrigger: StartTrigger;
  stopTrigger: StopTrigger;
  antennaIds: number[];
  aiSpecStopTrigger: StopTrigger;
  inventoryParameterSpecId: number;
  c1g2?: C1G2Settings;
  report?: RoReportSpec;
}

export type RoSpecOptions = Partial<Omit<RoSpec, 'report'>> & {
  roSpecId: number;
  /** null: no ROReportSpec (the reader's configured default applies). */
  report?: null | (Partial<Omit<RoReportSpec, 'content'>> & { content?: Partial<ReportContent> });
};

/** Our default report: every tag at once (N=1), with antenna, peak RSSI and first-seen time. */
export const DEFAULT_REPORT_CONTENT: ReportContent = {
  ...(Object.fromEntries(CONTENT_BITS.map((k) => [k, false])) as unknown as ReportContent),
  antennaId: true,
  peakRssi: true,
  firstSeenTimestamp: true,
};

export function roSpecWithDefaults(o: RoSpecOptions): RoSpec {
  const spec: RoSpec = {
    roSpecId: o.roSpecId,
    priority: o.priority ?? 0,
    currentState: o.currentState ?? 'disabled',
    startTrigger: o.startTrigger ?? 'null',
    stopTrigger: o.stopTrigger ?? 'null',
    antennaIds: o.antennaIds ?? [0],
    aiSpecStopTrigger: o.aiSpecStopTrigger ?? 'null',
    inventoryParameterSpecId: o.inventoryParameterSpecId ?? 1,
  };
  if (o.c1g2) spec.c1g2 = o.c1g2;
  if (o.report !== null) {
    const r = o.report ?? {};
    spec.report = { trigger: r.trigger ?? 'n_tags_or_end_of_aispec', n: r.n ?? 1, content: { ...DEFAULT_REPORT_CONTENT, ...r.content } };
  }
  return spec;
}

function writeStop(w: Writer, type: number, t: StopTrigger, name: string): void {
  w.tlv(type, () => {
    if (t === 'null') w.u8(0).u32(0);
    else if (typeof t === 'object' && t) w.u8(1).u32(checkUint(t.durationMs, 32, `${name}.durationMs`));
    else throw new FrameError('BAD_FRAME', `${name} must be 'null' or { durationMs }, got ${String(t)}`);
  });
}

export function writeRoSpec(w: Writer, spec: RoSpec): void {
  const id = checkUint(spec.roSpecId, 32, 'roSpecId');
  if (id === 0) throw new FrameError('BAD_FRAME', 'roSpecId 0 is reserved (it means "all ROSpecs")');
  const state = STATES.indexOf(spec.currentState);
  if (state < 0) throw new FrameError('BAD_FRAME', `currentState must be one of ${STATES.join(', ')}`);
  const start = ['null', 'immediate'].indexOf(spec.startTrigger);
  if (start < 0) throw new FrameError('BAD_FRAME', `startTrigger must be 'null' or 'immediate'`);
  if (!Array.isArray(spec.antennaIds) || spec.antennaIds.length === 0 || spec.antennaIds.length > 0xffff) {
    throw new FrameError('BAD_FRAME', 'antennaIds must list 1–65535 antennas (0 = all)');
  }
  w.tlv(PARAM.ROSpec, () => {
    w.u32(id).u8(checkUint(spec.priority, 3, 'priority')).u8(state);
    w.tlv(PARAM.ROBoundarySpec, () => {
      w.tlv(PARAM.ROSpecStartTrigger, () => w.u8(start));
      writeStop(w, PARAM.ROSpecStopTrigger, spec.stopTrigger, 'stopTrigger');
    });
    w.tlv(PARAM.AISpec, () => {
      w.u16(spec.antennaIds.length);
      for (const a of spec.antennaIds) w.u16(checkUint(a, 16, 'antennaIds[]'));
      writeStop(w, PARAM.AISpecStopTrigger, spec.aiSpecStopTrigger, 'aiSpecStopTrigger');
      w.tlv(PARAM.InventoryParameterSpec, () => {
        w.u16(checkUint(spec.inventoryParameterSpecId, 16, 'inventoryParameterSpecId')).u8(AIR_PROTOCOL_EPC_C1G2);
        if (spec.c1g2) writeC1G2(w, spec.c1g2);
      });
    });
    if (spec.report) writeReport(w, spec.report);
  });
}

function writeC1G2(w: Writer, c: C1G2Settings): void {
  w.tlv(PARAM.AntennaConfiguration, () => {
    w.u16(checkUint(c.antennaId, 16, 'c1g2.antennaId'));
    w.tlv(PARAM.C1G2InventoryCommand, () => {
      w.u8(0); // TagInventoryStateAware = 0, 7 reserved bits
      const rf = c.rfControl;
      if (rf) w.tlv(PARAM.C1G2RFControl, () => w.u16(checkUint(rf.modeIndex, 16, 'modeIndex')).u16(checkUint(rf.tari, 16, 'tari')));
      const s = c.singulation;
      if (s) {
        w.tlv(PARAM.C1G2SingulationControl, () =>
          w.u8(checkUint(s.session, 2, 'session') << 6).u16(checkUint(s.tagPopulation, 16, 'tagPopulation')).u32(checkUint(s.tagTransitTime, 32, 'tagTransitTime')),
        );
      }
    });
  });
}

function writeReport(w: Writer, r: RoReportSpec): void {
  const trigger = REPORT_TRIGGERS.indexOf(r.trigger);
  if (trigger < 0) throw new FrameError('BAD_FRAME', `report.trigger must be one of ${REPORT_TRIGGERS.join(', ')}`);
  let bits = 0;
  CONTENT_BITS.forEach((k, i) => {
    if (r.content[k]) bits |= 1 << (15 - i);
  });
  w.tlv(PARAM.ROReportSpec, () => {
    w.u8(trigger).u16(checkUint(r.n, 16, 'report.n'));
    w.tlv(PARAM.TagReportContentSelector, () => w.u16(bits));
  });
}

// ---- decoding (for simulated readers and round trips) ----

const unsupported = (what: string) => new ParseError('UNSUPPORTED', `ROSpec: ${what} is not supported by this codec`);

function one(params: Param[], type: number, where: string): Param {
  const found = params.filter((p) => !p.tv && p.type === type);
  if (found.length !== 1) throw new ParseError('BAD_FRAME', `${where}: expected one parameter ${type}, found ${found.length}`);
  return found[0]!;
}

function only(params: Param[], allowed: number[], where: string): void {
  for (const p of params) if (p.tv || !allowed.includes(p.type)) throw unsupported(`parameter ${p.tv ? 'TV ' : ''}${p.type} in ${where}`);
}

function readStop(p: Param, where: string): StopTrigger {
  const r = new Reader(p.value);
  const type = r.u8(`${where} type`);
  const duration = r.u32(`${where} duration`);
  if (r.remaining) throw unsupported(`a ${where} with GPI or tag-observation parameters`);
  if (type === 0) return 'null';
  if (type === 1) return { durationMs: duration };
  throw unsupported(`${where} type ${type}`);
}

export function readRoSpec(value: Uint8Array): RoSpec {
  const r = new Reader(value);
  const roSpecId = r.u32('ROSpecID');
  const priority = r.u8('Priority');
  const state = r.u8('CurrentState');
  const currentState = STATES[state];
  if (!currentState) throw new ParseError('BAD_FRAME', `ROSpec CurrentState ${state} is not 0–2`);
  const params = paramsOf(value.subarray(r.pos), 'ROSpec');
  only(params, [PARAM.ROBoundarySpec, PARAM.AISpec, PARAM.ROReportSpec], 'ROSpec');
  const boundary = paramsOf(one(params, PARAM.ROBoundarySpec, 'ROSpec').value, 'ROBoundarySpec');
  only(boundary, [PARAM.ROSpecStartTrigger, PARAM.ROSpecStopTrigger], 'ROBoundarySpec');
  const startValue = one(boundary, PARAM.ROSpecStartTrigger, 'ROBoundarySpec').value;
  if (startValue.length !== 1 || startValue[0]! > 1) throw unsupported('a periodic or GPI start trigger');
  const ai = one(params, PARAM.AISpec, 'ROSpec').value;
  const ar = new Reader(ai);
  const count = ar.u16('AntennaCount');
  const antennaIds: number[] = [];
  for (let i = 0; i < count; i++) antennaIds.push(ar.u16('AntennaID'));
  const aiParams = paramsOf(ai.subarray(ar.pos), 'AISpec');
  only(aiParams, [PARAM.AISpecStopTrigger, PARAM.InventoryParameterSpec], 'AISpec');
  const inv = one(aiParams, PARAM.InventoryParameterSpec, 'AISpec').value;
  const ir = new Reader(inv);
  const inventoryParameterSpecId = ir.u16('InventoryParameterSpecID');
  const protocol = ir.u8('ProtocolID');
  if (protocol !== AIR_PROTOCOL_EPC_C1G2) throw unsupported(`air protocol ${protocol}`);
  const spec: RoSpec = {
    roSpecId,
    priority,
    currentState,
    startTrigger: startValue[0] === 1 ? 'immediate' : 'null',
    stopTrigger: readStop(one(boundary, PARAM.ROSpecStopTrigger, 'ROBoundarySpec'), 'ROSpecStopTrigger'),
    antennaIds,
    aiSpecStopTrigger: readStop(one(aiParams, PARAM.AISpecStopTrigger, 'AISpec'), 'AISpecStopTrigger'),
    inventoryParameterSpecId,
  };
  const invParams = paramsOf(inv.subarray(ir.pos), 'InventoryParameterSpec');
  only(invParams, [PARAM.AntennaConfiguration], 'InventoryParameterSpec');
  if (invParams.length > 1) throw unsupported('more than one AntennaConfiguration');
  if (invParams[0]) spec.c1g2 = readC1G2(invParams[0].value);
  const reports = params.filter((p) => p.type === PARAM.ROReportSpec);
  if (reports.length > 1) throw new ParseError('BAD_FRAME', 'ROSpec has two ROReportSpecs');
  if (reports[0]) spec.report = readReport(reports[0].value);
  return spec;
}

function readC1G2(value: Uint8Array): C1G2Settings {
  const r = new Reader(value);
  const c: C1G2Settings = { antennaId: r.u16('AntennaConfiguration AntennaID') };
  const inner = paramsOf(value.subarray(r.pos), 'AntennaConfiguration');
  only(inner, [PARAM.C1G2InventoryCommand], 'AntennaConfiguration');
  const cmd = one(inner, PARAM.C1G2InventoryCommand, 'AntennaConfiguration').value;
  if (cmd.length < 1 || cmd[0] !== 0) throw unsupported('a state-aware C1G2InventoryCommand');
  const settings = paramsOf(cmd.subarray(1), 'C1G2InventoryCommand');
  only(settings, [PARAM.C1G2RFControl, PARAM.C1G2SingulationControl], 'C1G2InventoryCommand');
  for (const p of settings) {
    const pr = new Reader(p.value);
    if (p.type === PARAM.C1G2RFControl) c.rfControl = { modeIndex: pr.u16('ModeIndex'), tari: pr.u16('Tari') };
    else c.singulation = { session: pr.u8('Session') >> 6, tagPopulation: pr.u16('TagPopulation'), tagTransitTime: pr.u32('TagTransitTime') };
    if (pr.remaining) throw unsupported(`extra data in C1G2 parameter ${p.type}`);
  }
  return c;
}

function readReport(value: Uint8Array): RoReportSpec {
  const r = new Reader(value);
  const t = r.u8('ROReportTrigger');
  const trigger = REPORT_TRIGGERS[t];
  if (!trigger) throw unsupported(`ROReportTrigger ${t}`);
  const n = r.u16('N');
  const inner = paramsOf(value.subarray(r.pos), 'ROReportSpec');
  const sel = new Reader(one(inner, PARAM.TagReportContentSelector, 'ROReportSpec').value);
  const bits = sel.u16('TagReportContentSelector');
  const content = Object.fromEntries(CONTENT_BITS.map((k, i) => [k, (bits & (1 << (15 - i))) !== 0])) as unknown as ReportContent;
  return { trigger, n, content };
}
