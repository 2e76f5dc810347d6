// UHF readers at a producer's loading bay (devices.md §7.4): the drums "in the field" of the
// antenna are reported round after round while they are there. Two personas over the same field:
// an R2000 reader answering each 0x89 real-time inventory with one tag frame per drum and the
// end-of-round frame (§1.1), and an LLRP reader going through the ROSpec handshake and then
// sending RO_ACCESS_REPORTs (§1.4), several messages coalesced in one write as real readers do.
// The R2000 persona can be a garbage reader: junk bytes and a frame with a bad checksum around
// every answer, which the gateway must skip and resync after without losing a tag.
import { Rng } from '../../../server/seeded-random.js';
import { FrameError } from '../../codec.js';
import { LlrpStreamDecoder, encodeKeepalive, encodeReaderEventNotification, encodeResponse, encodeRoAccessReport, type ResponseName } from '../../llrp/protocol.js';
import { Cmd, R2000CommandDecoder, encodeFrame } from '../../r2000/protocol.js';
import type { DeviceLink } from './links.js';

export interface TagInField {
  epc: string;
  antenna: number;
  rssiDbm: number;
}

/** The drums an antenna currently sees. */
export class TagField {
  private readonly tags = new Map<string, TagInField>();
  enter(t: TagInField): void {
    this.tags.set(t.epc, t);
  }
  leave(epc: string): void {
    this.tags.delete(epc);
  }
  get all(): TagInField[] {
    return [...this.tags.values()];
  }
}

const READER_ADDRESS = 0x01;

/** One 0x89 tag answer: `FreqAnt PC(2) EPC RSSI` with the PC word giving the EPC length (§1.1). */
export function r2000TagFrame(t: TagInField, freqIndex: number): Uint8Array {
  const epc = Buffer.from(t.epc, 'hex');
  const pc = (epc.length / 2) << 11;
  return encodeFrame(READER_ADDRESS, Cmd.realTimeInventory, [(freqIndex << 2) | (t.antenna - 1), pc >> 8, pc & 0xff, ...epc, t.rssiDbm + 129]);
}

/** End of round: `AntID ReadRate(2) TotalRead(4)` (§1.1). */
export function r2000RoundEnd(totalRead: number): Uint8Array {
  return encodeFrame(READER_ADDRESS, Cmd.realTimeInventory, [0, 0, 30, (totalRead >>> 24) & 0xff, (totalRead >>> 16) & 0xff, (totalRead >>> 8) & 0xff, totalRead & 0xff]);
}

/** Junk that holds no 0xA0 head byte, and a whole frame whose checksum is wrong (and not 0xA0). */
export function r2000Garbage(rng: Rng): { junk: Uint8Array; badFrame: Uint8Array } {
  const junk = Uint8Array.from({ length: rng.int(3, 12) }, () => rng.int(0, 0x9f));
  const badFrame = encodeFrame(READER_ADDRESS, Cmd.realTimeInventory, [0x00, 0x30, 0x00, ...Array(12).fill(0x11), 60]);
  let check = badFrame[badFrame.length - 1]! ^ 0x55;
  if (check === 0xa0) check ^= 0x01;
  badFrame[badFrame.length - 1] = check;
  return { junk, badFrame };
}

export interface R2000ReaderStats {
  rounds: number;
  tagsSent: number;
  garbageSent: number;
}

/** The R2000 persona: answers inventory commands from the field; garbage around each answer if asked. */
export function r2000Reader(link: DeviceLink, field: TagField, o: { garbage: boolean; seed: number }): R2000ReaderStats {
  const rng = new Rng(o.seed);
  const stats: R2000ReaderStats = { rounds: 0, tagsSent: 0, garbageSent: 0 };
  let decoder = new R2000CommandDecoder();
  link.onConnect(() => (decoder = new R2000CommandDecoder()));
  link.onData((chunk) => {
    for (const c of decoder.push(chunk)) {
      if (!('cmd' in c) || c.cmd !== Cmd.realTimeInventory) continue;
      const tags = field.all;
      const parts: Uint8Array[] = [];
      if (o.garbage) {
        const g = r2000Garbage(rng);
        parts.push(g.junk, g.badFrame);
        stats.garbageSent += 2;
      }
      for (const t of tags) parts.push(r2000TagFrame({ ...t, rssiDbm: t.rssiDbm + rng.int(-2, 2) }, rng.int(0, 49)));
      parts.push(r2000RoundEnd(tags.length));
      stats.rounds++;
      stats.tagsSent += tags.length;
      link.write(Buffer.concat(parts));
    }
  });
  return stats;
}

/** The LLRP persona: greeting, answers to the ROSpec commands, then a report of the field every `reportMs`. */
export function llrpReader(link: DeviceLink, field: TagField, o: { reportMs: number; keepaliveMs: number }): { close(): void } {
  let decoder = new LlrpStreamDecoder();
  let started = false;
  let messageId = 1000;
  link.onConnect(() => {
    decoder = new LlrpStreamDecoder();
    started = false;
    const utc = BigInt(Date.now()) * 1000n;
    link.write(encodeReaderEventNotification({ messageId: messageId++, utc, connectionAttempt: 0 }));
  });
  link.onData((chunk) => {
    const out: Uint8Array[] = [];
    for (const m of decoder.push(chunk)) {
      if (m instanceof FrameError) continue;
      if (m.name === 'START_ROSPEC') started = true;
      if (m.name === 'STOP_ROSPEC' || m.name === 'CLOSE_CONNECTION') started = false;
      if (['DELETE_ROSPEC', 'ADD_ROSPEC', 'ENABLE_ROSPEC', 'START_ROSPEC', 'STOP_ROSPEC', 'DISABLE_ROSPEC', 'CLOSE_CONNECTION', 'SET_READER_CONFIG'].includes(m.name)) {
        out.push(encodeResponse({ messageId: m.messageId, name: `${m.name}_RESPONSE` as ResponseName }));
      }
    }
    if (out.length) link.write(Buffer.concat(out));
  });
  const report = setInterval(() => {
    const tags = field.all;
    if (!started || tags.length === 0) return;
    const utc = BigInt(Date.now()) * 1000n;
    // One report per tag, coalesced into one write: the framing must read them all (§1.4).
    const reports = tags.map((t) => encodeRoAccessReport({ messageId: messageId++, tags: [{ epc: t.epc, antennaId: t.antenna, peakRssi: t.rssiDbm, firstSeenUtc: utc }] }));
    link.write(Buffer.concat(reports));
  }, o.reportMs);
  const keepalive = setInterval(() => {
    if (link.connected) link.write(encodeKeepalive({ messageId: messageId++ }));
  }, o.keepaliveMs);
  return {
    close() {
      clearInterval(report);
      clearInterval(keepalive);
    },
  };
}
