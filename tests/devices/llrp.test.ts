import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrameError, hex } from '../../devices/codec.js';
import {
  LlrpStreamDecoder,
  MSG,
  decodeLlrpMessage,
  encodeAddRospec,
  encodeCloseConnection,
  encodeDeleteRospec,
  encodeDisableRospec,
  encodeEnableEventsAndReports,
  encodeEnableRospec,
  encodeGetReaderCapabilities,
  encodeKeepalive,
  encodeKeepaliveAck,
  encodeReaderEventNotification,
  encodeResponse,
  encodeRoAccessReport,
  encodeSetReaderConfig,
  encodeStartRospec,
  encodeStopRospec,
  roSpecWithDefaults,
  type LlrpMessage,
  type LlrpTag,
} from '../../devices/llrp/protocol.js';
import { decodeGrai96 } from '../../server/units/identifiers/epc.js';
import * as V from './llrp-vectors.js';

// ---- an independent builder, straight from the LLRP 1.1 layouts (not the codec's Writer) ----
type Part = number | number[] | Uint8Array;
const cat = (...parts: Part[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...p])));
const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const u64 = (n: bigint) => [...Array(8)].map((_, i) => Number((n >> BigInt(56 - 8 * i)) & 0xffn));
/** TLV: 6 reserved bits + 10-bit type, u16 length including this 4-byte header, value. */
const tlv = (type: number, ...value: Part[]) => {
  const v = cat(...value);
  return cat(u16(type), u16(v.length + 4), v);
};
/** TV: 1 bit set + 7-bit type, then the value (length known from the type). */
const tv = (type: number, ...value: Part[]) => cat(0x80 | type, ...value);
/** Message: 3 reserved bits + 3-bit version + 10-bit type, u32 length incl. header, u32 message ID. */
const msg = (type: number, id: number, ...body: Part[]) => {
  const b = cat(...body);
  return cat(u16((1 << 10) | type), u32(b.length + 10), u32(id), b);
};
const fromHex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

const isErr = (f: unknown): f is FrameError => f instanceof FrameError;
const one = (bytes: Uint8Array): LlrpMessage => {
  const m = decodeLlrpMessage(bytes);
  if (isErr(m)) throw new Error(`expected a message, got ${m.code}: ${m.message}`);
  return m;
};
const pushAll = (chunks: Uint8Array[], d = new LlrpStreamDecoder()) => chunks.flatMap((c) => d.push(c));
/** Without the raw bytes, to compare decodes of different byte streams. */
const strip = (fs: (LlrpMessage | FrameError)[]) => fs.map((f) => (isErr(f) ? { error: f.code, bytes: hex(f.bytes) } : { ...f, raw: hex(f.raw) }));

const DRUM_EPC = '3315A537C8000440000F4241';
const DRUM_GRAI = '069012340001771000001';

describe('LLRP samples from devices.md §1.4', () => {
  it('decodes the RO_ACCESS_REPORT of our drum tag, GRAI included, and encodes the same bytes', () => {
    const m = one(V.DEVICES_MD_RO_ACCESS_REPORT);
    expect(m).toMatchObject({ name: 'RO_ACCESS_REPORT', version: 1, type: 61, messageId: 1 });
    if (m.name !== 'RO_ACCESS_REPORT') throw new Error('unreachable');
    expect(m.tags).toEqual([
      { epc: DRUM_EPC, epcBits: 96, epcParam: 'EPC-96', grai: DRUM_GRAI, antennaId: 1, peakRssi: -52, firstSeenUtc: 0x0006614d5f544c00n },
    ]);
    expect(hex(m.raw)).toBe(hex(V.DEVICES_MD_RO_ACCESS_REPORT));
    const again = encodeRoAccessReport({ messageId: 1, tags: [{ epc: DRUM_EPC, antennaId: 1, peakRssi: -52, firstSeenUtc: 0x0006614d5f544c00n }] });
    expect(hex(again)).toBe(hex(V.DEVICES_MD_RO_ACCESS_REPORT));
  });

  it('decodes and encodes KEEPALIVE', () => {
    expect(one(V.DEVICES_MD_KEEPALIVE)).toMatchObject({ name: 'KEEPALIVE', messageId: 1 });
    expect(hex(encodeKeepalive({ messageId: 1 }))).toBe(hex(V.DEVICES_MD_KEEPALIVE));
  });
});

describe('LLRP encoders against public samples', () => {
  it('ADD_ROSPEC (llrp-rs) with immediate start, 3 s duration, antenna 1, C1G2 session 1, no report spec', () => {
    const roSpec = {
      roSpecId: 1,
      startTrigger: 'immediate',
      stopTrigger: { durationMs: 3000 },
      antennaIds: [1],
      inventoryParameterSpecId: 1234,
      c1g2: { antennaId: 1, rfControl: { modeIndex: 0, tari: 0 }, singulation: { session: 1, tagPopulation: 1, tagTransitTime: 0 } },
      report: null,
    } as const;
    expect(hex(encodeAddRospec({ messageId: 15, roSpec: { ...roSpec, antennaIds: [1] } }))).toBe(hex(V.LLRP_RS_ADD_ROSPEC));
    const m = one(V.LLRP_RS_ADD_ROSPEC);
    expect(m).toMatchObject({ name: 'ADD_ROSPEC', messageId: 15 });
    if (m.name === 'ADD_ROSPEC') expect(m.roSpec).toEqual(roSpecWithDefaults({ ...roSpec, antennaIds: [1] }));
  });

  it('DELETE_ROSPEC, ENABLE_EVENTS_AND_REPORTS (llrp-rs)', () => {
    expect(hex(encodeDeleteRospec({ messageId: 11, roSpecId: 1 }))).toBe(hex(V.LLRP_RS_DELETE_ROSPEC));
    expect(hex(encodeEnableEventsAndReports({ messageId: 8 }))).toBe(hex(V.LLRP_RS_ENABLE_EVENTS_AND_REPORTS));
  });

  it('KEEPALIVE, KEEPALIVE_ACK, SET_READER_CONFIG with a KeepaliveSpec, SET_READER_CONFIG_RESPONSE (go-llrp)', () => {
    expect(hex(encodeKeepalive({ messageId: 0 }))).toBe(hex(V.GO_LLRP_KEEPALIVE));
    expect(hex(encodeKeepaliveAck({ messageId: 0 }))).toBe(hex(V.GO_LLRP_KEEPALIVE_ACK));
    expect(hex(encodeSetReaderConfig({ messageId: 1000, keepaliveMs: 10000 }))).toBe(hex(V.GO_LLRP_SET_READER_CONFIG));
    expect(hex(encodeResponse({ messageId: 0, name: 'SET_READER_CONFIG_RESPONSE' }))).toBe(hex(V.GO_LLRP_SET_READER_CONFIG_RESPONSE));
    expect(one(V.GO_LLRP_SET_READER_CONFIG)).toMatchObject({ name: 'SET_READER_CONFIG', messageId: 1000, resetToFactoryDefault: false, keepaliveMs: 10000 });
  });

  it('READER_EVENT_NOTIFICATION with a ConnectionAttemptEvent (sllurp)', () => {
    expect(hex(encodeReaderEventNotification({ messageId: 0, utc: 0n, connectionAttempt: 0 }))).toBe(hex(V.SLLURP_READER_EVENT_ENCODED));
  });
});

describe('LLRP encoders against the spec layout, byte by byte', () => {
  it('ROSpec commands, CLOSE_CONNECTION, GET_READER_CAPABILITIES, factory reset', () => {
    expect(hex(encodeEnableRospec({ messageId: 7, roSpecId: 0x01020304 }))).toBe(hex(msg(24, 7, u32(0x01020304))));
    expect(hex(encodeStartRospec({ messageId: 8, roSpecId: 1 }))).toBe(hex(msg(22, 8, u32(1))));
    expect(hex(encodeStopRospec({ messageId: 9, roSpecId: 1 }))).toBe(hex(msg(23, 9, u32(1))));
    expect(hex(encodeDeleteRospec({ messageId: 10, roSpecId: 0 }))).toBe(hex(msg(21, 10, u32(0))));
    expect(hex(encodeDisableRospec({ messageId: 11, roSpecId: 5 }))).toBe(hex(msg(25, 11, u32(5))));
    expect(hex(encodeCloseConnection({ messageId: 0xffffffff }))).toBe(hex(msg(14, 0xffffffff)));
    expect(hex(encodeGetReaderCapabilities({ messageId: 2 }))).toBe(hex(msg(1, 2, 0)));
    expect(hex(encodeSetReaderConfig({ messageId: 3, resetToFactoryDefault: true }))).toBe(hex(msg(3, 3, 0x80)));
  });

  it('the default ADD_ROSPEC: null triggers, all antennas, C1G2, report every tag with antenna, RSSI, first seen', () => {
    const expected = msg(
      20,
      42,
      tlv(177, u32(9), 0, 0, // ROSpec: ID 9, priority 0, state Disabled
        tlv(178, tlv(179, 0), tlv(182, 0, u32(0))), // ROBoundarySpec: Null start, Null stop
        tlv(183, u16(1), u16(0), tlv(184, 0, u32(0)), tlv(186, u16(1), 1)), // AISpec: antenna 0 = all; Null stop; IPS 1, C1G2
        tlv(237, 1, u16(1), tlv(238, 0b0001_0110, 0x00)), // ROReportSpec: Upon_N_Tags_Or_End_Of_AISpec, N=1; antenna, RSSI, first seen
      ),
    );
    expect(hex(encodeAddRospec({ messageId: 42, roSpec: { roSpecId: 9 } }))).toBe(hex(expected));
    // the same selector bits (0x1600) an Impinj reader reports for these three fields in sllurp's GET_READER_CONFIG_RESPONSE
    expect(hex(V.SLLURP_GET_READER_CONFIG_RESPONSE)).toContain('00EE000B1600');
  });

  it('refuses arguments it cannot encode, with FrameError', () => {
    expect(() => encodeStartRospec({ messageId: 1, roSpecId: 0 })).toThrow(FrameError);
    expect(() => encodeEnableRospec({ messageId: -1, roSpecId: 1 })).toThrow(FrameError);
    expect(() => encodeAddRospec({ messageId: 1, roSpec: { roSpecId: 1, priority: 8 } })).toThrow(FrameError);
    expect(() => encodeRoAccessReport({ messageId: 1, tags: [{ epc: 'XYZ' }] })).toThrow(FrameError);
    expect(() => encodeRoAccessReport({ messageId: 1, tags: [{ epc: DRUM_EPC, peakRssi: 128 }] })).toThrow(FrameError);
  });
});

describe('LLRP decoders', () => {
  it('READER_EVENT_NOTIFICATION from a reader (llrp-rs, sllurp)', () => {
    expect(one(V.LLRP_RS_READER_EVENT)).toMatchObject({
      name: 'READER_EVENT_NOTIFICATION',
      messageId: 989540519,
      event: { utc: 1557458516414125n, connectionAttempt: { status: 0, name: 'Success' }, otherEvents: [] },
    });
    expect(one(V.SLLURP_READER_EVENT)).toMatchObject({ name: 'READER_EVENT_NOTIFICATION', event: { connectionAttempt: { status: 0 } } });
  });

  it('a failed connection attempt, uptime clock, ROSpecEvent and an unknown event, built from the layout', () => {
    const bytes = msg(63, 5, tlv(246, tlv(129, u64(123456n)), tlv(256, u16(2)), tlv(249, 1, u32(9), u32(0)), tlv(255, 0, u16(3))));
    expect(one(bytes)).toMatchObject({
      event: {
        uptime: 123456n,
        connectionAttempt: { status: 2, name: 'Failed_A_Client_Initiated_Connection_Already_Exists' },
        roSpecEvent: { eventType: 1, roSpecId: 9, preemptingRoSpecId: 0 },
        otherEvents: [255],
      },
    });
  });

  it('*_RESPONSE with an error LLRPStatus and FieldError (llrp-rs), and responses built from the layout', () => {
    expect(one(V.LLRP_RS_DELETE_ACCESSSPEC_RESPONSE)).toMatchObject({
      name: 'DELETE_ACCESSSPEC_RESPONSE',
      messageId: 9,
      status: { code: 101, name: 'M_FieldError', ok: false, description: 'LLRP [409] : //AccessSpecID : invalid', fieldError: { fieldNumber: 1, errorCode: 300 } },
    });
    const desc = Buffer.from('ROSpec 1 already exists', 'utf8');
    for (const [type, name] of [[30, 'ADD_ROSPEC_RESPONSE'], [32, 'START_ROSPEC_RESPONSE'], [4, 'CLOSE_CONNECTION_RESPONSE'], [100, 'ERROR_MESSAGE']] as const) {
      const bytes = msg(type, 77, tlv(287, u16(100), u16(desc.length), desc, tlv(289, u16(177), u16(104))));
      expect(one(bytes)).toMatchObject({ name, messageId: 77, status: { code: 100, name: 'M_ParameterError', ok: false, description: 'ROSpec 1 already exists', parameterError: { parameterType: 177, errorCode: 104 } } });
    }
    expect(one(V.SLLURP_GET_READER_CONFIG_RESPONSE)).toMatchObject({ name: 'GET_READER_CONFIG_RESPONSE', status: { ok: true, name: 'M_Success' } });
  });

  it('45 back-to-back RO_ACCESS_REPORTs from an Impinj reader (sllurp), in one chunk and in 7-byte chunks', () => {
    const all = V.SLLURP_RO_ACCESS_REPORTS;
    const frames = pushAll([all]);
    expect(frames).toHaveLength(45);
    expect(frames.every((f) => !isErr(f) && f.name === 'RO_ACCESS_REPORT' && f.tags.length === 1)).toBe(true);
    expect(frames.map((f) => (isErr(f) ? -1 : f.messageId))).toEqual([...Array(45)].map((_, i) => 0x4095892f + i));
    const tags = frames.flatMap((f) => (!isErr(f) && f.name === 'RO_ACCESS_REPORT' ? f.tags : []));
    expect(tags[0]).toEqual({ epc: '3005FB63AC1F3841EC880467', epcBits: 96, epcParam: 'EPC-96', antennaId: 1, peakRssi: -50, firstSeenUtc: 0x0004ec2ea8354c09n, tagSeenCount: 1 });
    expect(tags[18]).toEqual({ epc: '1FB41F712AC9C37AB79D618173188324001A', epcBits: 144, epcParam: 'EPCData', antennaId: 1, peakRssi: -17, firstSeenUtc: 0x0004ec2ea8381f57n, tagSeenCount: 1 });
    expect(tags.every((t) => t.grai === undefined)).toBe(true); // SGTIN and non-EPC headers: no GRAI
    const chunks = [...Array(Math.ceil(all.length / 7))].map((_, i) => all.subarray(i * 7, i * 7 + 7));
    expect(strip(pushAll(chunks))).toEqual(strip(frames));
  });

  it('skips unknown TLV parameters and the known TV types it does not report', () => {
    const custom = tlv(1023, u32(25882), u32(56), u16(0x1234));
    const bytes = msg(61, 3, custom, tlv(240, custom, tv(13, fromHex(DRUM_EPC)), tv(17, u16(9)), tv(18, u16(1), u16(2)), tv(1, u16(2)), tlv(350, 0, u16(1), u16(0))), tlv(242, u32(0)));
    expect(one(bytes)).toMatchObject({ tags: [{ epc: DRUM_EPC, grai: DRUM_GRAI, antennaId: 2 }] });
  });
});

describe('LLRP stream framing', () => {
  const notification = encodeReaderEventNotification({ messageId: 1, utc: 1_795_834_800_000_000n, connectionAttempt: 0 });
  const report = V.DEVICES_MD_RO_ACCESS_REPORT;
  const stream = cat(notification, report, V.DEVICES_MD_KEEPALIVE, V.LLRP_RS_DELETE_ACCESSSPEC_RESPONSE);

  it('reads two messages written in one chunk (the llrpjs defect, devices.md §1.4)', () => {
    const frames = pushAll([cat(notification, report)]);
    expect(frames.map((f) => (isErr(f) ? f.code : f.name))).toEqual(['READER_EVENT_NOTIFICATION', 'RO_ACCESS_REPORT']);
  });

  it('gives the same frames whatever byte boundary the stream is split at, and byte by byte', () => {
    const whole = strip(pushAll([stream]));
    expect(whole.map((f) => ('name' in f ? f.name : f.error))).toEqual(['READER_EVENT_NOTIFICATION', 'RO_ACCESS_REPORT', 'KEEPALIVE', 'DELETE_ACCESSSPEC_RESPONSE']);
    for (let i = 0; i <= stream.length; i++) {
      const d = new LlrpStreamDecoder();
      const first = d.push(stream.subarray(0, i));
      expect(d.pending).toBe(i - first.reduce((n, f) => n + (isErr(f) ? f.bytes.length : f.raw.length), 0));
      expect(strip([...first, ...d.push(stream.subarray(i))])).toEqual(whole);
      expect(d.pending).toBe(0);
    }
    expect(strip(pushAll([...stream].map((b) => Uint8Array.of(b))))).toEqual(whole);
  });

  it('reports a length < 10 as BAD_LENGTH and resynchronises on the next plausible header', () => {
    const bad = cat(u16((1 << 10) | 61), u32(4), u32(1), 0xde, 0xad);
    const frames = pushAll([cat(bad, report)]);
    expect(frames.map((f) => (isErr(f) ? f.code : f.name))).toEqual(['BAD_LENGTH', 'RO_ACCESS_REPORT']);
    expect(hex((frames[0] as FrameError).bytes)).toBe(hex(bad));
  });

  it('reports an absurd length as BAD_LENGTH, skips junk over later chunks as JUNK, and loses no byte', () => {
    const bad = cat(u16((1 << 10) | 61), u32(0xfffffff0), u32(1));
    const junk = fromHex('00 11 22 33 44 55 66 77 88 99 aa bb cc dd');
    const d = new LlrpStreamDecoder();
    const frames = [...d.push(cat(bad, junk.subarray(0, 3))), ...d.push(junk.subarray(3)), ...d.push(cat(junk, report, V.DEVICES_MD_KEEPALIVE))];
    const codes = frames.map((f) => (isErr(f) ? f.code : f.name));
    expect(codes[0]).toBe('BAD_LENGTH');
    expect(codes.slice(-2)).toEqual(['RO_ACCESS_REPORT', 'KEEPALIVE']);
    expect(codes.slice(1, -2).every((c) => c === 'JUNK')).toBe(true);
    expect(frames.reduce((n, f) => n + (isErr(f) ? f.bytes.length : f.raw.length), 0)).toBe(bad.length + 2 * junk.length + report.length + 10);
    expect(d.pending).toBe(0);
  });

  it('honours maxMessageLength', () => {
    const frames = new LlrpStreamDecoder({ maxMessageLength: 40 }).push(cat(report, V.DEVICES_MD_KEEPALIVE));
    expect(frames.map((f) => (isErr(f) ? f.code : f.name))).toEqual(['BAD_LENGTH', 'KEEPALIVE']);
  });

  it('turns a bad body into a FrameError for that message only, and reads on', () => {
    const epc = fromHex(DRUM_EPC);
    const cases: [string, Uint8Array, string][] = [
      ['TLV longer than its parent', msg(61, 1, u16(240), u16(40), tv(13, epc)), 'BAD_FRAME'],
      ['TLV length < 4', msg(61, 1, u16(240), u16(2), tv(13, epc)), 'BAD_FRAME'],
      ['EPC-96 cut short', msg(61, 1, tlv(240, tv(13, epc.subarray(0, 7)))), 'BAD_FRAME'],
      ['EPCData bits and bytes disagree', msg(61, 1, tlv(240, tlv(241, u16(96), epc.subarray(0, 8)))), 'BAD_FRAME'],
      ['no EPC', msg(61, 1, tlv(240, tv(1, u16(1)))), 'BAD_FRAME'],
      ['two EPCs', msg(61, 1, tlv(240, tv(13, epc), tv(13, epc))), 'BAD_FRAME'],
      ['unknown TV type 99', msg(61, 1, tlv(240, tv(13, epc), tv(99, u16(1)))), 'BAD_FRAME'],
      ['PeakRSSI missing its byte', msg(61, 1, tlv(240, tv(13, epc), 0x86)), 'BAD_FRAME'],
      ['LLRPStatus description past its end', msg(30, 1, tlv(287, u16(0), u16(50), 0x41)), 'BAD_FRAME'],
      ['response without LLRPStatus', msg(30, 1), 'BAD_FRAME'],
      ['KEEPALIVE with a body', msg(62, 1, 0), 'BAD_FRAME'],
      ['START_ROSPEC with 2 bytes', msg(22, 1, u16(1)), 'BAD_FRAME'],
      ['notification without timestamp', msg(63, 1, tlv(246, tlv(256, u16(0)))), 'BAD_FRAME'],
      ['unsupported message type', msg(MSG.GET_REPORT, 1), 'UNSUPPORTED'],
      ['unknown message type', msg(999, 1, 1, 2, 3), 'UNSUPPORTED'],
      ['LLRP version 3', cat(u16((3 << 10) | 62), u32(10), u32(1)), 'UNSUPPORTED'],
    ];
    for (const [what, bytes, code] of cases) {
      const frames = pushAll([cat(bytes, V.DEVICES_MD_KEEPALIVE)]);
      expect(frames.map((f) => (isErr(f) ? f.code : f.name)), what).toEqual([code, 'KEEPALIVE']);
      expect(hex((frames[0] as FrameError).bytes), what).toBe(hex(bytes));
    }
  });

  it('decodeLlrpMessage refuses bytes that are not exactly one message', () => {
    expect(decodeLlrpMessage(report.subarray(0, 20))).toMatchObject({ code: 'BAD_LENGTH' });
    expect(decodeLlrpMessage(cat(report, 0))).toMatchObject({ code: 'BAD_LENGTH' });
    expect(decodeLlrpMessage(new Uint8Array(0))).toMatchObject({ code: 'BAD_LENGTH' });
  });
});

describe('LLRP encode → decode round trips', () => {
  it('client messages', () => {
    expect(one(encodeStartRospec({ messageId: 3, roSpecId: 77 }))).toMatchObject({ name: 'START_ROSPEC', roSpecId: 77, messageId: 3 });
    expect(one(encodeStopRospec({ messageId: 3, roSpecId: 77 }))).toMatchObject({ name: 'STOP_ROSPEC', roSpecId: 77 });
    expect(one(encodeEnableRospec({ messageId: 3, roSpecId: 77 }))).toMatchObject({ name: 'ENABLE_ROSPEC', roSpecId: 77 });
    expect(one(encodeDeleteRospec({ messageId: 3, roSpecId: 0 }))).toMatchObject({ name: 'DELETE_ROSPEC', roSpecId: 0 });
    expect(one(encodeKeepaliveAck({ messageId: 4 }))).toMatchObject({ name: 'KEEPALIVE_ACK', messageId: 4 });
    expect(one(encodeCloseConnection({ messageId: 5, version: 2 }))).toMatchObject({ name: 'CLOSE_CONNECTION', version: 2 });
    expect(one(encodeGetReaderCapabilities({ messageId: 6, requestedData: 2 }))).toMatchObject({ name: 'GET_READER_CAPABILITIES', requestedData: 2 });
    expect(one(encodeSetReaderConfig({ messageId: 7, resetToFactoryDefault: true, keepaliveMs: 0 }))).toMatchObject({ resetToFactoryDefault: true, keepaliveMs: 0 });
    const roSpec = { roSpecId: 3, priority: 2, startTrigger: 'immediate', aiSpecStopTrigger: { durationMs: 500 }, antennaIds: [1, 2, 4], report: { trigger: 'n_tags_or_end_of_rospec', n: 0, content: { tagSeenCount: true, peakRssi: false } } } as const;
    const m = one(encodeAddRospec({ messageId: 8, roSpec: { ...roSpec, antennaIds: [1, 2, 4] } }));
    if (m.name !== 'ADD_ROSPEC') throw new Error(m.name);
    expect(m.roSpec).toEqual(roSpecWithDefaults({ ...roSpec, antennaIds: [1, 2, 4] }));
    expect(m.roSpec.report?.content).toMatchObject({ antennaId: true, firstSeenTimestamp: true, tagSeenCount: true, peakRssi: false });
  });

  it('a report of 2000 tags (the writer grows, the decoder frames 60 kB)', () => {
    const tags = [...Array(2000)].map((_, i) => ({ epc: (0x33000000 + i).toString(16).padEnd(24, '0').toUpperCase(), antennaId: (i % 4) + 1, peakRssi: 0 - (i % 90) }));
    const bytes = encodeRoAccessReport({ messageId: 1, tags });
    const frames = pushAll(chunked(bytes, [1000, 17, 30000, 59999]));
    expect(frames).toHaveLength(1);
    const m = frames[0]!;
    if (isErr(m) || m.name !== 'RO_ACCESS_REPORT') throw new Error('expected a report');
    expect(m.tags.map((t) => [t.epc, t.antennaId, t.peakRssi])).toEqual(tags.map((t) => [t.epc, t.antennaId, t.peakRssi]));
  });

  it('reader messages', () => {
    expect(one(encodeResponse({ messageId: 9, name: 'ENABLE_ROSPEC_RESPONSE', status: { code: 401, description: '天线断开' } }))).toMatchObject({
      name: 'ENABLE_ROSPEC_RESPONSE',
      status: { code: 401, name: 'R_DeviceError', ok: false, description: '天线断开' },
    });
    expect(one(encodeReaderEventNotification({ messageId: 1, uptime: 5n, connectionAttempt: 4 }))).toMatchObject({ event: { uptime: 5n, connectionAttempt: { status: 4, name: 'Another_Connection_Attempted' } } });
  });
});

// ---- property-based ----
const RUNS = { seed: 0x11c9, numRuns: 500 };

interface GenTag {
  epc: Uint8Array;
  bits: number;
  form: 'EPC-96' | 'EPCData';
  fields: Pick<LlrpTag, 'roSpecId' | 'specIndex' | 'antennaId' | 'peakRssi' | 'channelIndex' | 'firstSeenUtc' | 'lastSeenUtc' | 'tagSeenCount'>;
  custom: Uint8Array[];
}
const u64Arb = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const tagArb: fc.Arbitrary<GenTag> = fc.record({
  epcSpec: fc.oneof(
    fc.uint8Array({ minLength: 12, maxLength: 12 }).map((epc) => ({ epc, bits: 96, form: 'EPC-96' as const })),
    fc.constant({ epc: fromHex(DRUM_EPC), bits: 96, form: 'EPC-96' as const }),
    fc.integer({ min: 0, max: 496 }).chain((bits) => fc.uint8Array({ minLength: Math.ceil(bits / 8), maxLength: Math.ceil(bits / 8) }).map((epc) => ({ epc, bits, form: 'EPCData' as const }))),
  ),
  fields: fc.record(
    {
      roSpecId: fc.integer({ min: 0, max: 0xffffffff }),
      specIndex: fc.integer({ min: 0, max: 0xffff }),
      antennaId: fc.integer({ min: 0, max: 0xffff }),
      peakRssi: fc.integer({ min: -128, max: 127 }),
      channelIndex: fc.integer({ min: 0, max: 0xffff }),
      firstSeenUtc: u64Arb,
      lastSeenUtc: u64Arb,
      tagSeenCount: fc.integer({ min: 0, max: 0xffff }),
    },
    { requiredKeys: [] },
  ),
  custom: fc.array(fc.uint8Array({ maxLength: 6 }), { maxLength: 2 }),
}).map(({ epcSpec, fields, custom }) => ({ ...epcSpec, fields, custom }));

/** TagReportData from the layout: EPC, the TV fields in LLRP's order, then custom TLVs. */
function buildTag(t: GenTag): Uint8Array {
  const f = t.fields;
  return tlv(
    240,
    t.form === 'EPC-96' ? tv(13, t.epc) : tlv(241, u16(t.bits), t.epc),
    f.roSpecId !== undefined ? tv(9, u32(f.roSpecId)) : [],
    f.specIndex !== undefined ? tv(14, u16(f.specIndex)) : [],
    f.antennaId !== undefined ? tv(1, u16(f.antennaId)) : [],
    f.peakRssi !== undefined ? tv(6, f.peakRssi & 0xff) : [],
    f.channelIndex !== undefined ? tv(7, u16(f.channelIndex)) : [],
    f.firstSeenUtc !== undefined ? tv(2, u64(f.firstSeenUtc)) : [],
    f.lastSeenUtc !== undefined ? tv(4, u64(f.lastSeenUtc)) : [],
    f.tagSeenCount !== undefined ? tv(8, u16(f.tagSeenCount)) : [],
    ...t.custom.map((c) => tlv(1023, u32(25882), u32(1), c)),
  );
}
function expectedTag(t: GenTag): LlrpTag {
  const epc = hex(t.epc);
  let grai: string | undefined;
  if (t.bits === 96) {
    try {
      grai = decodeGrai96(epc).grai;
    } catch {
      grai = undefined;
    }
  }
  return { epc, epcBits: t.bits, epcParam: t.form, ...(grai ? { grai } : {}), ...t.fields } as LlrpTag;
}
const reportArb = fc.record({ id: fc.integer({ min: 0, max: 0xffffffff }), tags: fc.array(tagArb, { maxLength: 8 }), customFirst: fc.boolean() });
const buildReport = (r: { id: number; tags: GenTag[]; customFirst: boolean }) =>
  msg(61, r.id, r.customFirst ? tlv(1023, u32(25882), u32(2)) : [], ...r.tags.map(buildTag));
/** Cut points → chunks. */
const chunked = (bytes: Uint8Array, cuts: number[]) => {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  return [0, ...at].map((s, i, all) => bytes.subarray(s, all[i + 1] ?? bytes.length));
};
const accounted = (fs: (LlrpMessage | FrameError)[]) => fs.reduce((n, f) => n + (isErr(f) ? f.bytes.length : f.raw.length), 0);

describe('LLRP property-based', () => {
  it('arbitrary bytes in arbitrary chunks never throw, and every byte is in exactly one frame or error or pending', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 12 }), (chunks) => {
        const d = new LlrpStreamDecoder({ maxMessageLength: 4096 });
        const out = chunks.flatMap((c) => d.push(c));
        expect(out.every((f) => isErr(f) || (f.raw.length >= 10 && typeof f.name === 'string'))).toBe(true);
        expect(accounted(out) + d.pending).toBe(chunks.reduce((n, c) => n + c.length, 0));
      }),
      RUNS,
    );
  });

  it('valid messages mixed with junk and corrupted bodies never throw and keep the byte count', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(reportArb.map(buildReport), fc.uint8Array({ maxLength: 20 }), reportArb.map(buildReport).chain((b) => fc.tuple(fc.nat(), fc.nat(255)).map(([i, v]) => {
          const c = b.slice();
          c[10 + (i % Math.max(1, c.length - 10))] = v; // corrupt the body, keep the header
          return c;
        }))), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (parts, cuts) => {
          const all = cat(...parts);
          const d = new LlrpStreamDecoder();
          const out = chunked(all, cuts).flatMap((c) => d.push(c));
          expect(accounted(out) + d.pending).toBe(all.length);
        },
      ),
      RUNS,
    );
  });

  it('RO_ACCESS_REPORTs with N random tags decode to exactly those tags, however chunked', () => {
    fc.assert(
      fc.property(fc.array(reportArb, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 8 }), (reports, cuts) => {
        const all = cat(...reports.map(buildReport));
        const d = new LlrpStreamDecoder();
        const out = chunked(all, cuts).flatMap((c) => d.push(c));
        expect(d.pending).toBe(0);
        expect(out.map((f) => (isErr(f) ? f.message : { id: f.messageId, tags: f.name === 'RO_ACCESS_REPORT' ? f.tags : f.name }))).toEqual(
          reports.map((r) => ({ id: r.id, tags: r.tags.map(expectedTag) })),
        );
      }),
      RUNS,
    );
  });

  it('encodeRoAccessReport → decode gives back the tags', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.array(tagArb, { maxLength: 6 }), (id, tags) => {
        const inputs = tags.map((t) => ({ epc: hex(t.epc), epcBits: t.bits, epcParam: t.form, ...t.fields }));
        const m = one(encodeRoAccessReport({ messageId: id, tags: inputs }));
        expect(m).toMatchObject({ name: 'RO_ACCESS_REPORT', messageId: id });
        if (m.name === 'RO_ACCESS_REPORT') expect(m.tags).toEqual(tags.map(expectedTag));
      }),
      RUNS,
    );
  });
});
