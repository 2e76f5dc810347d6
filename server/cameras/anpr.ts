// The two ANPR pushes the park's gate cameras make, read into one shape (devices.md §5).
// Hikvision ISAPI: multipart/form-data with an `anpr.xml` part and JPEG parts (or a bare XML
// body); Dahua ITSAPI: JSON with base64 pictures. Parsing refuses what it cannot read with a
// clear message; it never trusts a field it did not check.
import { XMLParser } from 'fast-xml-parser';
import { isRealWallClock } from '../../ledger/entry.js';
import { CST_OFFSET } from '../china-time.js';
import { DomainError } from '../custody/errors.js';
import { isValidPlate, normalizePlate } from '../registry/validate.js';

export interface Sighting {
  vendor: 'hikvision' | 'dahua';
  /** In the registry's canonical form (`浙J12345`: no middle dot, upper case), as manifests name it. */
  plate: string;
  /** The text the camera sent, when it differs from the canonical plate (`浙J·12345`). */
  plateAsRead?: string;
  /** The plate's colour as the camera reports it (a yellow plate is a heavy vehicle's), when it does. */
  plateColor?: string;
  /** When the camera saw it (RFC 3339, UTC). */
  at: string;
  /** As the camera reports it, and what it means at a gate: in, out, or unknown. */
  direction: { raw: string; way: 'in' | 'out' | 'unknown' };
  confidence: number | null;
  /** The camera's own id for the capture (UUID, or plate and time): resent pushes share it. */
  eventKey: string;
  pictures: Buffer[];
}

const bad = (m: string) => new DomainError('BAD_INPUT', m);

/**
 * String(v ?? fallback) and Number(v), except that an object (one with a `toString` or `valueOf`
 * key, say, which makes String() and Number() throw) counts as no text and no number.
 */
const isObject = (v: unknown) => (v !== null && typeof v === 'object') || typeof v === 'function';
const text = (v: unknown, fallback = ''): string => (isObject(v) ? '' : String(v ?? fallback));
const num = (v: unknown): number => (isObject(v) ? NaN : Number(v));

/**
 * The plate in the registry's form: cameras write `浙J·12345` (Hikvision) or `浙J12345` (Dahua), and
 * a capture with no plate read says `unknown` or `无车牌`, which is refused as no plate.
 */
function checkPlate(p: unknown, color: unknown): Pick<Sighting, 'plate' | 'plateAsRead' | 'plateColor'> {
  const read = text(p).trim();
  const plate = normalizePlate(read);
  if (!isValidPlate(plate)) throw bad(`not a licence plate: ${JSON.stringify(read).slice(0, 40)}`);
  const c = text(color).trim();
  return { plate, ...(read !== plate ? { plateAsRead: read } : {}), ...(c && !/^unknown$/i.test(c) && c.length <= 16 ? { plateColor: c } : {}) };
}

function checkTime(raw: string, assumeOffset = CST_OFFSET): string {
  const withZone = /([zZ]|[+-]\d{2}:?\d{2})$/.test(raw) ? raw : `${raw.replace(' ', 'T')}${assumeOffset}`;
  const t = Date.parse(withZone);
  if (Number.isNaN(t) || !isRealWallClock(withZone)) throw bad(`not a capture time: ${JSON.stringify(raw).slice(0, 40)}`);
  return new Date(t).toISOString();
}

const xml = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, processEntities: false });

/** Hikvision `EventNotificationAlert` (ISAPI namespace or the DeepinView one). */
export function parseHikvision(body: string, pictures: Buffer[]): Sighting {
  let doc: Record<string, unknown>;
  try {
    doc = xml.parse(body) as Record<string, unknown>;
  } catch (e) {
    throw bad(`anpr.xml does not parse: ${(e as Error).message}`);
  }
  const alert = doc.EventNotificationAlert as Record<string, unknown> | undefined;
  if (!alert || typeof alert !== 'object') throw bad('no EventNotificationAlert in the XML');
  if (text(alert.eventType) !== 'ANPR') throw bad(`not an ANPR event: ${text(alert.eventType, 'none')}`);
  const anpr = alert.ANPR as Record<string, unknown> | undefined;
  if (!anpr || typeof anpr !== 'object') throw bad('no ANPR element');
  const plate = checkPlate(anpr.licensePlate, anpr.plateColor);
  const at = checkTime(text(alert.dateTime));
  const raw = text(anpr.direction, 'unknown');
  const confidence = num(anpr.confidenceLevel);
  const uuid = typeof alert.UUID === 'string' && alert.UUID ? alert.UUID : undefined;
  return {
    vendor: 'hikvision',
    ...plate,
    at,
    direction: { raw, way: raw === 'forward' ? 'in' : raw === 'reverse' ? 'out' : 'unknown' },
    confidence: Number.isFinite(confidence) ? confidence : null,
    eventKey: uuid ?? `${plate.plate}@${at}`,
    pictures: pictures.filter((p) => p.length > 0), // a real capture shows an empty picture part
  };
}

/** Dahua `/NotificationInfo/TollgateInfo`: local time without a zone is China Standard Time. */
export function parseDahua(body: unknown): Sighting & { deviceId?: string } {
  const pic = (body as { Picture?: Record<string, Record<string, unknown>> } | null)?.Picture;
  if (!pic || typeof pic !== 'object') throw bad('no Picture object in the push');
  const plate = checkPlate(pic.Plate?.PlateNumber, pic.Plate?.PlateColor);
  const snap = pic.SnapInfo ?? {};
  const at = checkTime(text(snap.AccurateTime ?? snap.SnapTime));
  const raw = text(snap.Direction, 'unknown');
  const pictures: Buffer[] = [];
  for (const k of ['NormalPic', 'CutoutPic']) {
    const content = pic[k]?.Content;
    if (typeof content !== 'string' || content === '') continue;
    if (!/^[A-Za-z0-9+/=\s]+$/.test(content)) throw bad(`${k}.Content is not base64`);
    pictures.push(Buffer.from(content, 'base64'));
  }
  const confidence = num(pic.Plate?.Confidence);
  return {
    vendor: 'dahua',
    ...plate,
    at,
    direction: { raw, way: raw === 'Obverse' ? 'in' : raw === 'Reverse' ? 'out' : 'unknown' },
    confidence: Number.isFinite(confidence) ? confidence : null,
    eventKey: `${plate.plate}@${at}`,
    pictures,
    deviceId: typeof snap.DeviceID === 'string' ? snap.DeviceID : undefined,
  };
}
