// LLRP messages: encoders (client → reader, plus the reader side for simulators and tests) and
// the body decoder the stream decoder calls once it has framed one whole message.
import { FrameError, type Raw } from '../codec.js';
import { ParseError, Reader, Writer, checkU64, checkUint, paramsOf, splitParams } from './bytes.js';
import { CONNECTION_ATTEMPT_NAMES, HEADER_LENGTH, MSG, PARAM, RESPONSE_NAMES, STATUS_NAMES, type ResponseName } from './constants.js';
import { readRoSpec, roSpecWithDefaults, writeRoSpec, type RoSpec, type RoSpecOptions } from './rospec.js';
import { decodeTagReportData, encodeTagReportData, type LlrpTag, type LlrpTagInput } from './tags.js';

export interface LlrpHeader extends Raw {
  /** 1 = LLRP 1.0.1, 2 = LLRP 1.1. */
  version: number;
  type: number;
  messageId: number;
}

export interface LlrpStatus {
  code: number;
  /** M_Success, M_FieldError, … or `code <n>` for a code LLRP does not define. */
  name: string;
  ok: boolean;
  description: string;
  fieldError?: { fieldNumber: number; errorCode: number };
  parameterError?: { parameterType: number; errorCode: number };
}

export interface ReaderEvent {
  /** µs since the Unix epoch, when the reader has a UTC clock… */
  utc?: bigint;
  /** …else µs since it booted. */
  uptime?: bigint;
  connectionAttempt?: { status: number; name: string };
  connectionClose?: true;
  roSpecEvent?: { eventType: number; roSpecId: number; preemptingRoSpecId: number };
  /** Parameter types of the events not decoded here (GPI, antenna, buffer warnings, …). */
  otherEvents: number[];
}

export type RoSpecCommandName = 'ENABLE_ROSPEC' | 'START_ROSPEC' | 'STOP_ROSPEC' | 'DELETE_ROSPEC' | 'DISABLE_ROSPEC';
export type BareName = 'KEEPALIVE' | 'KEEPALIVE_ACK' | 'CLOSE_CONNECTION' | 'ENABLE_EVENTS_AND_REPORTS';

export type LlrpMessage =
  | (LlrpHeader & { name: 'READER_EVENT_NOTIFICATION'; event: ReaderEvent })
  | (LlrpHeader & { name: ResponseName; status: LlrpStatus })
  | (LlrpHeader & { name: 'RO_ACCESS_REPORT'; tags: LlrpTag[] })
  | (LlrpHeader & { name: BareName })
  | (LlrpHeader & { name: RoSpecCommandName; roSpecId: number })
  | (LlrpHeader & { name: 'ADD_ROSPEC'; roSpec: RoSpec })
  | (LlrpHeader & { name: 'SET_READER_CONFIG'; resetToFactoryDefault: boolean; keepaliveMs?: number })
  | (LlrpHeader & { name: 'GET_READER_CAPABILITIES'; requestedData: number });

/** Every encoder takes the message ID (u32, the client's choice; a response echoes it) and a version. */
export interface Envelope {
  messageId: number;
  /** Header version, 1 (LLRP 1.0.1) unless told: a reader speaks 1.1 only after SET_PROTOCOL_VERSION. */
  version?: number;
}

function message(type: number, env: Envelope, body?: (w: Writer) => void): Uint8Array {
  const version = checkUint(env.version ?? 1, 3, 'version');
  const w = new Writer();
  w.u16((version << 10) | type).u32(0).u32(checkUint(env.messageId, 32, 'messageId'));
  body?.(w);
  w.setU32(2, w.length);
  return w.finish();
}

// ---- client → reader ----

/** RequestedData: 0 all, 1 general device, 2 LLRP, 3 regulatory, 4 air protocol capabilities. */
export const encodeGetReaderCapabilities = (o: Envelope & { requestedData?: number }) =>
  message(MSG.GET_READER_CAPABILITIES, o, (w) => w.u8(checkUint(o.requestedData ?? 0, 8, 'requestedData')));

/** keepaliveMs: a periodic KEEPALIVE every so many ms (0 = the Null trigger: none); omitted = no KeepaliveSpec. */
export const encodeSetReaderConfig = (o: Envelope & { resetToFactoryDefault?: boolean; keepaliveMs?: number }) =>
  message(MSG.SET_READER_CONFIG, o, (w) => {
    w.u8(o.resetToFactoryDefault ? 0x80 : 0);
    if (o.keepaliveMs !== undefined) {
      const ms = checkUint(o.keepaliveMs, 32, 'keepaliveMs');
      w.tlv(PARAM.KeepaliveSpec, () => w.u8(ms ? 1 : 0).u32(ms));
    }
  });

export const encodeAddRospec = (o: Envelope & { roSpec: RoSpecOptions }) => {
  const spec = roSpecWithDefaults(o.roSpec);
  return message(MSG.ADD_ROSPEC, o, (w) => writeRoSpec(w, spec));
};

const roSpecCommand = (type: number, allowZero: boolean) => (o: Envelope & { roSpecId: number }) => {
  const id = checkUint(o.roSpecId, 32, 'roSpecId');
  if (id === 0 && !allowZero) throw new FrameError('BAD_FRAME', 'roSpecId 0 means "all ROSpecs" and is not allowed in START/STOP_ROSPEC');
  return message(type, o, (w) => w.u32(id));
};
/** roSpecId 0 = all ROSpecs (DELETE, ENABLE, DISABLE). */
export const encodeEnableRospec = roSpecCommand(MSG.ENABLE_ROSPEC, true);
export const encodeStartRospec = roSpecCommand(MSG.START_ROSPEC, false);
export const encodeStopRospec = roSpecCommand(MSG.STOP_ROSPEC, false);
export const encodeDeleteRospec = roSpecCommand(MSG.DELETE_ROSPEC, true);
export const encodeDisableRospec = roSpecCommand(MSG.DISABLE_ROSPEC, true);

export const encodeKeepaliveAck = (o: Envelope) => message(MSG.KEEPALIVE_ACK, o);
export const encodeCloseConnection = (o: Envelope) => message(MSG.CLOSE_CONNECTION, o);
export const encodeEnableEventsAndReports = (o: Envelope) => message(MSG.ENABLE_EVENTS_AND_REPORTS, o);

// ---- reader → client (for simulated readers and tests) ----

export const encodeKeepalive = (o: Envelope) => message(MSG.KEEPALIVE, o);

export const encodeResponse = (o: Envelope & { name: ResponseName; status?: { code: number; description?: string } }) => {
  if (!RESPONSE_NAMES.includes(o.name)) throw new FrameError('BAD_FRAME', `${String(o.name)} is not a response message`);
  return message(MSG[o.name], o, (w) => {
    const desc = Buffer.from(o.status?.description ?? '', 'utf8');
    w.tlv(PARAM.LLRPStatus, () => w.u16(checkUint(o.status?.code ?? 0, 16, 'status code')).u16(checkUint(desc.length, 16, 'description length')).bytes(desc));
  });
};

/** A READER_EVENT_NOTIFICATION with a timestamp (UTC unless `uptime` is given) and a ConnectionAttemptEvent. */
export const encodeReaderEventNotification = (o: Envelope & { utc?: bigint; uptime?: bigint; connectionAttempt?: number }) =>
  message(MSG.READER_EVENT_NOTIFICATION, o, (w) =>
    w.tlv(PARAM.ReaderEventNotificationData, () => {
      if (o.uptime !== undefined) w.tlv(PARAM.Uptime, () => w.u64(checkU64(o.uptime, 'uptime')));
      else w.tlv(PARAM.UTCTimestamp, () => w.u64(checkU64(o.utc ?? 0n, 'utc')));
      if (o.connectionAttempt !== undefined) w.tlv(PARAM.ConnectionAttemptEvent, () => w.u16(checkUint(o.connectionAttempt, 16, 'connectionAttempt')));
    }),
  );

export const encodeRoAccessReport = (o: Envelope & { tags: LlrpTagInput[] }) =>
  message(MSG.RO_ACCESS_REPORT, o, (w) => {
    for (const tag of o.tags) encodeTagReportData(w, tag);
  });

// ---- decoding one framed message ----

const named = (map: ReadonlyMap<number, string>, n: number) => map.get(n) ?? `code ${n}`;

export function readStatus(value: Uint8Array): LlrpStatus {
  const r = new Reader(value);
  const code = r.u16('LLRPStatus StatusCode');
  const n = r.u16('LLRPStatus ErrorDescriptionByteCount');
  const description = new TextDecoder().decode(r.bytes(n, 'LLRPStatus ErrorDescription'));
  const status: LlrpStatus = { code, name: named(STATUS_NAMES, code), ok: code === 0, description };
  for (const p of paramsOf(value.subarray(r.pos), 'LLRPStatus')) {
    const pr = new Reader(p.value);
    if (!p.tv && p.type === PARAM.FieldError) status.fieldError = { fieldNumber: pr.u16('FieldNum'), errorCode: pr.u16('ErrorCode') };
    else if (!p.tv && p.type === PARAM.ParameterError) status.parameterError = { parameterType: pr.u16('ParameterType'), errorCode: pr.u16('ErrorCode') };
  }
  return status;
}

function readEvent(value: Uint8Array): ReaderEvent {
  const event: ReaderEvent = { otherEvents: [] };
  for (const p of paramsOf(value, 'ReaderEventNotificationData')) {
    const r = new Reader(p.value);
    if (p.tv) throw new ParseError('BAD_FRAME', `ReaderEventNotificationData: unexpected TV parameter ${p.type}`);
    if (p.type === PARAM.UTCTimestamp) event.utc = r.u64('UTCTimestamp');
    else if (p.type === PARAM.Uptime) event.uptime = r.u64('Uptime');
    else if (p.type === PARAM.ConnectionAttemptEvent) {
      const status = r.u16('ConnectionAttemptEvent Status');
      event.connectionAttempt = { status, name: named(CONNECTION_ATTEMPT_NAMES, status) };
    } else if (p.type === PARAM.ConnectionCloseEvent) event.connectionClose = true;
    else if (p.type === PARAM.ROSpecEvent) {
      event.roSpecEvent = { eventType: r.u8('ROSpecEvent EventType'), roSpecId: r.u32('ROSpecEvent ROSpecID'), preemptingRoSpecId: r.u32('ROSpecEvent PreemptingROSpecID') };
    } else event.otherEvents.push(p.type);
  }
  if (event.utc === undefined && event.uptime === undefined) {
    throw new ParseError('BAD_FRAME', 'ReaderEventNotificationData has no UTCTimestamp or Uptime');
  }
  return event;
}

const ROSPEC_COMMANDS: ReadonlyMap<number, RoSpecCommandName> = new Map([
  [MSG.ENABLE_ROSPEC, 'ENABLE_ROSPEC'],
  [MSG.START_ROSPEC, 'START_ROSPEC'],
  [MSG.STOP_ROSPEC, 'STOP_ROSPEC'],
  [MSG.DELETE_ROSPEC, 'DELETE_ROSPEC'],
  [MSG.DISABLE_ROSPEC, 'DISABLE_ROSPEC'],
]);
const BARE: ReadonlyMap<number, BareName> = new Map([
  [MSG.KEEPALIVE, 'KEEPALIVE'],
  [MSG.KEEPALIVE_ACK, 'KEEPALIVE_ACK'],
  [MSG.CLOSE_CONNECTION, 'CLOSE_CONNECTION'],
  [MSG.ENABLE_EVENTS_AND_REPORTS, 'ENABLE_EVENTS_AND_REPORTS'],
]);
const RESPONSES: ReadonlyMap<number, ResponseName> = new Map(RESPONSE_NAMES.map((n) => [MSG[n], n]));

/**
 * Decodes one whole message (`raw` is exactly `length` bytes, header included). Throws ParseError
 * (BAD_FRAME or UNSUPPORTED); the stream decoder converts it to a FrameError.
 */
export function decodeMessage(raw: Uint8Array): LlrpMessage {
  const r = new Reader(raw);
  const word = r.u16('header');
  r.u32('header length'); // already checked by the framer
  const head: LlrpHeader = { version: (word >> 10) & 7, type: word & 0x3ff, messageId: r.u32('header message ID'), raw };
  const { type } = head;
  if (head.version !== 1 && head.version !== 2) throw new ParseError('UNSUPPORTED', `LLRP version ${head.version} (type ${type})`);
  const body = raw.subarray(HEADER_LENGTH);

  const bare = BARE.get(type);
  if (bare) {
    if (body.length) throw new ParseError('BAD_FRAME', `${bare} has ${body.length} unexpected body bytes`);
    return { ...head, name: bare };
  }
  const command = ROSPEC_COMMANDS.get(type);
  if (command) {
    if (body.length !== 4) throw new ParseError('BAD_FRAME', `${command} body must be a 4-byte ROSpecID, got ${body.length} bytes`);
    return { ...head, name: command, roSpecId: new Reader(body).u32('ROSpecID') };
  }
  const response = RESPONSES.get(type);
  if (response) {
    const params = splitParams(body, 0, body.length, response);
    const first = params[0];
    if (!first || first.tv || first.type !== PARAM.LLRPStatus) throw new ParseError('BAD_FRAME', `${response} does not start with LLRPStatus`);
    return { ...head, name: response, status: readStatus(first.value) };
  }
  switch (type) {
    case MSG.RO_ACCESS_REPORT: {
      const tags = paramsOf(body, 'RO_ACCESS_REPORT')
        .filter((p) => !p.tv && p.type === PARAM.TagReportData)
        .map((p) => decodeTagReportData(p.value));
      return { ...head, name: 'RO_ACCESS_REPORT', tags };
    }
    case MSG.READER_EVENT_NOTIFICATION: {
      const params = paramsOf(body, 'READER_EVENT_NOTIFICATION');
      const data = params.filter((p) => !p.tv && p.type === PARAM.ReaderEventNotificationData);
      if (data.length !== 1) throw new ParseError('BAD_FRAME', `READER_EVENT_NOTIFICATION needs one ReaderEventNotificationData, has ${data.length}`);
      return { ...head, name: 'READER_EVENT_NOTIFICATION', event: readEvent(data[0]!.value) };
    }
    case MSG.ADD_ROSPEC: {
      const params = paramsOf(body, 'ADD_ROSPEC');
      if (params.length !== 1 || params[0]!.tv || params[0]!.type !== PARAM.ROSpec) throw new ParseError('BAD_FRAME', 'ADD_ROSPEC must hold exactly one ROSpec');
      return { ...head, name: 'ADD_ROSPEC', roSpec: readRoSpec(params[0]!.value) };
    }
    case MSG.SET_READER_CONFIG: {
      const br = new Reader(body);
      const resetToFactoryDefault = (br.u8('ResetToFactoryDefault') & 0x80) !== 0;
      const msg: LlrpHeader & { name: 'SET_READER_CONFIG'; resetToFactoryDefault: boolean; keepaliveMs?: number } = { ...head, name: 'SET_READER_CONFIG', resetToFactoryDefault };
      for (const p of paramsOf(body.subarray(1), 'SET_READER_CONFIG')) {
        if (p.tv || p.type !== PARAM.KeepaliveSpec) continue; // other configuration is not read here
        const kr = new Reader(p.value);
        const trigger = kr.u8('KeepaliveTriggerType');
        const period = kr.u32('PeriodicTriggerValue');
        msg.keepaliveMs = trigger === 0 ? 0 : period;
      }
      return msg;
    }
    case MSG.GET_READER_CAPABILITIES: {
      const br = new Reader(body);
      const requestedData = br.u8('RequestedData');
      paramsOf(body.subarray(1), 'GET_READER_CAPABILITIES'); // Custom parameters only; checked, not read
      return { ...head, name: 'GET_READER_CAPABILITIES', requestedData };
    }
  }
  const known = [...Object.entries(MSG)].find(([, t]) => t === type)?.[0];
  throw new ParseError('UNSUPPORTED', `LLRP message type ${type}${known ? ` (${known})` : ''} is not read by this codec`);
}
