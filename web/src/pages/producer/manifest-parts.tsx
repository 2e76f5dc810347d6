// Pieces of the manifest pages: who acts next, the legs, and the producer's signature button.
import { manifests } from '../../api.ts';
import { ProblemBox } from '../../components/ui.tsx';
import { useStep } from '../../hooks.ts';
import { tMaybe } from '../../i18n/index.ts';
import { orgName, type Registry } from '../../registry.ts';
import { getSession } from '../../session.ts';
import type { Leg, Manifest, ManifestStep, Turn } from '../../types.ts';

export function NextTurns({ next, reg }: { next: Turn[]; reg?: Registry }) {
  if (next.length === 0) return <span class="muted">—</span>;
  return (
    <span class="next">
      {next.map((n) => `${orgName(reg, n.orgId)}: ${tMaybe(`act.${n.action}`, n.action)}`).join('; ')}
    </span>
  );
}

export function Legs({ legs, reg }: { legs: Leg[]; reg?: Registry }) {
  return (
    <span class="legs">
      {legs.map((l, i) => (
        <span key={i} class="leg">
          {i > 0 && ' → '}
          {orgName(reg, l.transporterOrgId)} <span class="mono">{l.vehiclePlate}</span>
        </span>
      ))}
    </span>
  );
}

/** Whether it is the logged-in organisation's turn to sign this draft. */
export const mySignature = (m: Manifest) => {
  const s = getSession();
  return m.state === 'draft' && m.next.some((n) => n.action === 'sign' && n.orgId === s?.orgId && n.role === s?.role);
};

export function SignButton({ manifest, label, onDone }: { manifest: Manifest; label: string; onDone: (r: ManifestStep) => void }) {
  const step = useStep();
  const sign = () => step.run(async (eventId) => onDone(await manifests.sign(manifest.id, eventId)));
  return (
    <span class="sign">
      <button type="button" class="primary sign-button" disabled={step.busy} onClick={sign}>
        {label}
      </button>
      <ProblemBox error={step.error} />
    </span>
  );
}
