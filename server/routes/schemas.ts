// TypeBox schemas shared by the routes. Objects refuse unknown fields (additionalProperties: false).
import { Type } from 'typebox';

export const Strict = { additionalProperties: false } as const;

/** Free text: no control characters (PostgreSQL text cannot hold NUL, and none belong on a label). */
export const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]*$' });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
  },
  { $id: 'Problem' },
);

export const EventId = Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$', description: 'client event id: unique per step; a retry with the same id and content gets the first answer' });
export const Rfc3339 = Type.String({ pattern: '^(19|20|21)\\d{2}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$', description: 'when the step happened (the device clock), in the years 1900–2199; default now' });
export const Jws = Type.String({ pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$', maxLength: 20000, description: 'compact JWS by the actor over the RFC 8785 claim {eventId, action, subject, at, data}' });
/** A public key a person or device signs with: Ed25519 (EdDSA) or P-256 (ES256). */
export const Jwk = Type.Union([
  Type.Object({ kty: Type.Literal('OKP'), crv: Type.Literal('Ed25519'), x: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) }, Strict),
  Type.Object({ kty: Type.Literal('EC'), crv: Type.Literal('P-256'), x: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }), y: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) }, Strict),
]);
/** A calendar date the database can hold: a real day (format), from year 1000 (PostgreSQL refuses year 0). */
export const DateOnly = Type.String({ format: 'date', pattern: '^[1-9]\\d{3}-\\d{2}-\\d{2}$' });
export const Id = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$' });

export const StepFields = {
  eventId: EventId,
  at: Type.Optional(Rfc3339),
  signature: Type.Optional(Jws),
};

export const SealedRef = Type.Object({ index: Type.Integer(), leafHash: Type.String() }, Strict);

export const Unit = Type.Object(
  {
    id: Type.String(),
    hjCode: Type.String(),
    epc: Type.Union([Type.String(), Type.Null()]),
    grai: Type.Union([Type.String(), Type.Null()]),
    producerOrgId: Type.String(),
    siteId: Type.String(),
    wasteCode: Type.String(),
    wasteCategory: Type.String(),
    name: Type.String(),
    hazards: Type.Array(Type.String()),
    physicalForm: Type.String(),
    containerType: Type.String(),
    volumeL: Type.Integer(),
    components: Type.String(),
    generationDate: Type.String(),
    state: Type.String(),
    grossKg: Type.Union([Type.String(), Type.Null()]),
    tareKg: Type.Union([Type.String(), Type.Null()]),
    netKg: Type.Union([Type.String(), Type.Null()]),
    storageSiteId: Type.Union([Type.String(), Type.Null()]),
    storageBay: Type.Union([Type.String(), Type.Null()]),
    storedAt: Type.Union([Type.String(), Type.Null()]),
    registeredAt: Type.String(),
    lastLeafHash: Type.String(),
    entries: Type.Integer(),
  },
  Strict,
);

export const StepResult = Type.Object({ unit: Unit, entry: SealedRef, replayed: Type.Boolean() }, Strict);

/** A new session: login, refresh, a changed password. */
export const TokenPair = Type.Object(
  { accessToken: Type.String(), refreshToken: Type.String(), tokenType: Type.Literal('Bearer'), expiresIn: Type.Integer() },
  Strict,
);

/** Error answers every authenticated route may give. */
export const problems = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, Problem]));
