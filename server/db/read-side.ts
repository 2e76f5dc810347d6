// The read side: tables derived from the log (rebuilt by `hazledger rebuild`, checked by
// `hazledger verify`), plus accounts, which hold secrets and are never sealed.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, date, index, integer, jsonb, numeric, pgSequence, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { bytea } from '../../ledger/store/schema.js';

export const organisations = pgTable('organisations', {
  id: text('id').primaryKey(),
  uscc: text('uscc').notNull(),
  name: text('name').notNull(),
  kind: text('kind').notNull(), // producer | transporter | operator | authority
  region: text('region').notNull(), // administrative division code; an authority sees what is under its region
  record: jsonb('record').notNull(),
});

export const sites = pgTable('sites', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull(),
  kind: text('kind').notNull(),
  name: text('name').notNull(),
});

export const vehicles = pgTable('vehicles', {
  plate: text('plate').primaryKey(),
  orgId: text('org_id').notNull(),
  record: jsonb('record').notNull(),
});

export const devices = pgTable('devices', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull(),
  siteId: text('site_id'),
  kind: text('kind').notNull(),
  publicJwk: jsonb('public_jwk'),
  record: jsonb('record').notNull(),
});

export const licences = pgTable('licences', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull(),
  record: jsonb('record').notNull(),
});

/** People, with their role in one organisation and their enrolled public key (a registry entry). */
export const people = pgTable('people', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull(),
  role: text('role').notNull(), // producer | driver | operator | inspector | admin
  name: text('name').notNull(),
  publicJwk: jsonb('public_jwk'),
});

/** Login secrets: never sealed into the log, never rebuilt from it. */
export const credentials = pgTable('credentials', {
  personId: text('person_id').primaryKey(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  /**
   * Moved on (from a sequence: never reused, not even by a login taken away and given again)
   * when the password changes or the login is reset: access and refresh tokens carry the version
   * they were issued under, and are refused once it has moved on.
   */
  sessionVersion: bigint('session_version', { mode: 'number' }).notNull().default(sql`nextval('session_versions')`),
});

export const sessionVersions = pgSequence('session_versions');

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    tokenHash: bytea('token_hash').primaryKey(),
    personId: text('person_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** Set when the token was spent on a refresh (not revoked otherwise): used again, it was stolen. */
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
    /** The login's session version it was issued under: refused once that has moved on. */
    sessionVersion: bigint('session_version', { mode: 'number' }).notNull().default(0),
  },
  // A person's tokens: ended together (endSessions), and the expired ones purged at each issue.
  (t) => [index('refresh_tokens_person').on(t.personId)],
);

export const units = pgTable(
  'units',
  {
    id: text('id').primaryKey(),
    hjCode: text('hj_code').notNull().unique(),
    epc: text('epc'),
    grai: text('grai'),
    producerOrgId: text('producer_org_id').notNull(),
    siteId: text('site_id').notNull(),
    wasteCode: text('waste_code').notNull(),
    wasteCategory: text('waste_category').notNull(),
    name: text('name').notNull(),
    hazards: jsonb('hazards').notNull(),
    physicalForm: text('physical_form').notNull(),
    containerType: text('container_type').notNull(),
    volumeL: integer('volume_l').notNull(),
    components: text('components').notNull(),
    generationDate: date('generation_date', { mode: 'string' }).notNull(),
    state: text('state').notNull(),
    grossKg: numeric('gross_kg'),
    tareKg: numeric('tare_kg'),
    netKg: numeric('net_kg'),
    storageSiteId: text('storage_site_id'),
    storageBay: text('storage_bay'),
    storedAt: timestamp('stored_at', { withTimezone: true, mode: 'string' }),
    registeredAt: timestamp('registered_at', { withTimezone: true, mode: 'string' }).notNull(),
    lastLeafHash: bytea('last_leaf_hash').notNull(),
    entries: integer('entries').notNull(),
  },
  (t) => [
    // A drum's tag belongs to one open unit at a time.
    uniqueIndex('units_open_epc').on(t.epc).where(sql`${t.epc} IS NOT NULL AND ${t.state} <> 'disposed'`),
    index('units_producer').on(t.producerOrgId, t.state),
    index('units_waste_code').on(t.wasteCode),
  ],
);

/** The HJ 1276 sequence per producer and day. */
export const unitSequences = pgTable(
  'unit_sequences',
  {
    producerOrgId: text('producer_org_id').notNull(),
    day: text('day').notNull(),
    next: integer('next').notNull(),
  },
  (t) => [primaryKey({ columns: [t.producerOrgId, t.day] })],
);

/**
 * Client event ids already taken, per person (a device cannot have its next id taken by someone
 * else): replays are refused, identical retries get the first answer.
 */
export const clientEvents = pgTable('client_events', {
  eventId: text('event_id').notNull(),
  personId: text('person_id').notNull(),
  requestHash: bytea('request_hash').notNull(),
  response: jsonb('response').notNull(),
  ledgerIntakeId: bigint('ledger_intake_id', { mode: 'number' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.personId, t.eventId] })]);

/** Transfer manifests (联单): the read side of the `manifest.*` entries. */
export const manifests = pgTable(
  'manifests',
  {
    id: text('id').primaryKey(),
    number: text('number').notNull().unique(),
    state: text('state').notNull(),
    producerOrgId: text('producer_org_id').notNull(),
    receiverOrgId: text('receiver_org_id').notNull(),
    legs: jsonb('legs').notNull(), // [{ transporterOrgId, vehiclePlate }]
    currentLeg: integer('current_leg').notNull(),
    unitIds: jsonb('unit_ids').notNull(),
    plannedDate: text('planned_date').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
    lastLeafHash: bytea('last_leaf_hash').notNull(),
    entries: integer('entries').notNull(),
    onwardOf: text('onward_of'), // the manifest whose refused units this one carries on
    receiverRole: text('receiver_role').notNull().default('operator'), // 'producer' when refused units go back
    sentOn: jsonb('sent_on').notNull().default([]), // units sent on under onward manifests
    carried: jsonb('carried').notNull().default([]), // units taken at pickup: those the manifest carries
    version: integer('version').notNull().default(1),
    correction: jsonb('correction'), // a correction waiting for approval
  },
  (t) => [index('manifests_producer').on(t.producerOrgId, t.state), index('manifests_receiver').on(t.receiverOrgId, t.state)],
);

/** The manifest number sequence per day. */
export const manifestSequences = pgTable('manifest_sequences', {
  day: text('day').primaryKey(),
  next: integer('next').notNull(),
});

/** Event ids a person's device reserved ahead, to record steps offline and send them later. */
export const reservedEventIds = pgTable('reserved_event_ids', {
  personId: text('person_id').notNull(),
  eventId: text('event_id').notNull(),
  reservedAt: timestamp('reserved_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.personId, t.eventId] })]);

/**
 * Steps recorded offline and sent later, kept whatever becomes of them: pending (an earlier step
 * of the chain has not arrived yet), sealed, or conflict (refused against what is already sealed).
 */
export const offlineSteps = pgTable('offline_steps', {
  personId: text('person_id').notNull(),
  eventId: text('event_id').notNull(),
  orgId: text('org_id').notNull(),
  role: text('role').notNull(),
  manifestId: text('manifest_id').notNull(),
  kind: text('kind').notNull(),
  body: jsonb('body').notNull(),
  deviceAt: timestamp('device_at', { withTimezone: true, mode: 'string' }).notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true, mode: 'string' }).notNull(),
  status: text('status').notNull(), // pending | sealed | conflict
  outcome: jsonb('outcome'),
  settledAt: timestamp('settled_at', { withTimezone: true, mode: 'string' }),
}, (t) => [primaryKey({ columns: [t.personId, t.eventId] }), index('offline_steps_manifest').on(t.manifestId, t.status)]);

/** Findings (breaks in the record): the read side of `finding.raised` and `finding.resolved`. */
export const findings = pgTable('findings', {
  id: text('id').primaryKey(),
  key: text('key').notNull().unique(), // what was found, where: the same break is never raised twice
  code: text('code').notNull(),
  severity: text('severity').notNull(),
  status: text('status').notNull(), // open | resolved
  subjects: jsonb('subjects').notNull(),
  orgIds: jsonb('org_ids').notNull(),
  evidence: jsonb('evidence').notNull(), // ledger indices
  detail: text('detail').notNull(),
  raisedAt: timestamp('raised_at', { withTimezone: true, mode: 'string' }).notNull(),
  resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'string' }),
  resolvedBy: text('resolved_by'),
  resolution: text('resolution'),
}, (t) => [index('findings_status').on(t.status, t.severity)]);

/** How far the finding rules have read the log: the next index to read. Not derived from the log. */
export const findingCursor = pgTable('finding_cursor', {
  id: integer('id').primaryKey(),
  nextIndex: bigint('next_index', { mode: 'number' }).notNull(),
});

/** Per-organisation webhook subscriptions for findings (settings, not derived from the log). */
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull(),
  url: text('url').notNull(),
  secret: text('secret').notNull(), // HMAC-SHA256 key of the payload signature
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  active: boolean('active').notNull().default(true),
  /** Deliveries given up in a row; at the configured number the subscription is disabled. */
  failuresInRow: integer('failures_in_row').notNull().default(0),
  disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'string' }),
  disabledReason: text('disabled_reason'),
});

/** The outbox: one row per finding per subscription, written with the finding, retried with backoff. */
export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  subscriptionId: text('subscription_id').notNull(),
  findingId: text('finding_id').notNull(),
  payload: text('payload').notNull(), // the exact body sent and signed
  status: text('status').notNull(), // pending | delivered | failed
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  lastStatus: integer('last_status'),
  lastError: text('last_error'),
  deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'string' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
}, (t) => [index('webhook_deliveries_due').on(t.status, t.nextAttemptAt), uniqueIndex('webhook_deliveries_once').on(t.subscriptionId, t.findingId)]);

/**
 * Device events already taken (a camera's capture, a gateway's reading), by the device's own key
 * for it: a resent push or a replayed reading is recognised and sealed only once.
 */
export const deviceEvents = pgTable('device_events', {
  deviceId: text('device_id').notNull(),
  eventKey: text('event_key').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  leafHash: bytea('leaf_hash').notNull(),
  /** SHA-256 of the reading's RFC 8785 bytes: the same (device, seq) with other content is refused, not taken for a replay. */
  contentSha256: bytea('content_sha256'),
}, (t) => [primaryKey({ columns: [t.deviceId, t.eventKey] })]);

/** What each licence has treated per calendar year (grams): the tonnage check reads one row. */
export const licenceUsage = pgTable('licence_usage', {
  licenceId: text('licence_id').notNull(),
  year: integer('year').notNull(),
  grams: bigint('grams', { mode: 'number' }).notNull(),
}, (t) => [primaryKey({ columns: [t.licenceId, t.year] })]);

/** What each device's gateway last reported of its health, and the readings the server refused. */
export const deviceHealth = pgTable('device_health', {
  deviceId: text('device_id').primaryKey(),
  reportedAt: timestamp('reported_at', { withTimezone: true, mode: 'string' }),
  health: jsonb('health'), // the gateway's counters: frames, errors by code, link up/down, last frame
  refused: integer('refused').notNull().default(0),
  lastRefusedAt: timestamp('last_refused_at', { withTimezone: true, mode: 'string' }),
  lastRefusal: text('last_refusal'),
});

/**
 * Witness cosignatures (C2SP tlog-cosignature/v1) of the log's checkpoints, one per witness key
 * and size: the first one received is kept. Not derived from the log; the checkpoint notes
 * themselves stay in ledger_checkpoints.
 */
export const checkpointCosignatures = pgTable('checkpoint_cosignatures', {
  witness: text('witness').notNull(), // the cosigner's key name
  keyId: text('key_id').notNull(), // its type-0x04 key id, 8 hex digits
  size: bigint('size', { mode: 'number' }).notNull(),
  timestamp: bigint('timestamp', { mode: 'number' }).notNull(), // when it cosigned, POSIX seconds
  line: text('line').notNull(), // the note signature line as verified, "— name base64\n"
  receivedAt: timestamp('received_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.witness, t.keyId, t.size] }), index('checkpoint_cosignatures_size').on(t.size)]);
