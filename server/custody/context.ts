// What custody commands need, without Fastify: the database, the sequencer and the settings.
import type { Sequencer } from '../../ledger/store/sequencer.js';
import type { Sql } from '../../ledger/store/sql.js';
import type { ManifestNumberFormat } from './manifest-number.js';
import type { Role } from './unit-lifecycle.js';
import type { UnboundTags } from '../readings/unbound-tags.js';

export interface CustodyContext {
  sql: Sql;
  sequencer: Sequencer;
  /** GS1 company prefixes whose drums this park tags. */
  gs1CompanyPrefixes: string[];
  /** Base URL of the public resolver for GS1 Digital Link QR codes. */
  publicUrl: string;
  manifestNumber: ManifestNumberFormat;
  /** Recent tag reads that matched no unit, per organisation (in memory; absent: not remembered). */
  unboundTags?: UnboundTags;
  /**
   * How long a step waits for the sequencer to seal its entries before it is answered 503
   * NOT_SEALED_YET (taken, in the intake; the same event id asked again gets its index). Default 30 s.
   */
  sealWaitMs?: number;
}

/** Who is acting: a person with one role in one organisation (from the access token). */
export interface Actor {
  personId: string;
  orgId: string;
  role: Role;
}
