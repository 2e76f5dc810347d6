// The manifest as the API shows it: its row, who acts next, and a step's answer.
import { Type } from 'typebox';
import { whoActsNext } from '../custody/manifest-lifecycle.js';
import type { ManifestRow } from '../custody/manifest-projection.js';
import type { StepResult } from '../custody/write-step.js';
import { DateOnly, Id, SealedRef, Strict, Text } from './schemas.js';

export const LegBody = Type.Object({ transporterOrgId: Id, vehiclePlate: Text(16) }, Strict);
export const Legs = Type.Array(LegBody, { minItems: 1, maxItems: 5 });
export const ManifestChanges = Type.Object({ plannedDate: Type.Optional(DateOnly), receiverOrgId: Type.Optional(Id), legs: Type.Optional(Legs) }, Strict);
const PendingCorrection = Type.Object(
  { version: Type.Integer(), reason: Type.String(), changes: ManifestChanges, proposedBy: Type.String(), awaiting: Type.Array(Type.String()) },
  Strict,
);
export const Turn = Type.Object({ action: Type.String(), role: Type.String(), orgId: Type.String() }, Strict);
export const Manifest = Type.Object(
  {
    id: Type.String(),
    number: Type.String(),
    state: Type.String(),
    producerOrgId: Type.String(),
    receiverOrgId: Type.String(),
    legs: Type.Array(Type.Object({ transporterOrgId: Type.String(), vehiclePlate: Type.String() }, Strict)),
    currentLeg: Type.Integer(),
    unitIds: Type.Array(Type.String()),
    plannedDate: Type.String(),
    createdAt: Type.String(),
    lastLeafHash: Type.String(),
    entries: Type.Integer(),
    onwardOf: Type.Union([Type.String(), Type.Null()], { description: 'the manifest whose refused units this one carries on' }),
    receiverRole: Type.String({ description: "'producer' when refused units go back to their producer" }),
    sentOn: Type.Array(Type.String(), { description: 'units of this manifest sent on under onward manifests' }),
    version: Type.Integer({ description: '1, and one more for each approved correction' }),
    correction: Type.Union([PendingCorrection, Type.Null()]),
    next: Type.Array(Turn),
  },
  Strict,
);
export const ManifestStep = Type.Object({ manifest: Manifest, entry: SealedRef, replayed: Type.Boolean() }, Strict);
export const ManifestMulti = Type.Object({ manifest: Manifest, entry: SealedRef, entries: Type.Array(SealedRef), replayed: Type.Boolean() }, Strict);
export const view = (m: ManifestRow) => ({ ...m, next: whoActsNext(m) });
export const stepView = (r: StepResult<ManifestRow>) => ({ manifest: view(r.response), entry: r.entry, replayed: r.replayed });

