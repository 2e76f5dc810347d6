// The inspector's calls: findings, manifests and their evidence, risk, the pick list, public reports.
import type { EvidenceBundle } from '../../../../ledger/index.ts';
import { ApiError, get } from '../../api.ts';
import type { Manifest } from '../../types.ts';
import type { PublicReport } from '../../../../server/api-types.ts';

export type { PublicReport };

export interface Finding {
  id: string;
  code: string;
  severity: string;
  status: string;
  subjects: { manifest?: string; units?: string[]; vehicle?: string };
  orgIds: string[];
  evidence: number[];
  detail: string;
  raisedAt: string;
  resolvedAt: string | null;
}

export interface OrgRisk {
  orgId: string;
  name: string;
  kind: string;
  score: number;
  open: number;
  parts: { openFindings: number; resolvedFindings: number; overdueStorage: number; discrepancies: number };
}

export interface Pick {
  orgId: string;
  name: string;
  score: number;
  weight: number;
  chanceFirst: number;
}

const id = encodeURIComponent;

export const inspections = {
  openFindings: () => get<{ findings: Finding[] }>('/api/findings?status=open&limit=200').then((r) => r.findings),
  manifests: () => get<{ manifests: Manifest[] }>('/api/manifests?limit=200').then((r) => r.manifests),
  manifest: (m: string) => get<Manifest>(`/api/manifests/${id(m)}`),
  evidencePath: (m: string) => `/api/manifests/${id(m)}/evidence`,
  evidence: (m: string) => get<EvidenceBundle>(`/api/manifests/${id(m)}/evidence`),
  risk: () => get<{ organisations: OrgRisk[] }>('/api/inspections/risk').then((r) => r.organisations),
  pickList: (count: number, seed?: string) => get<{ seed: number; picks: Pick[] }>(`/api/inspections/pick-list?count=${count}${seed ? `&seed=${id(seed)}` : ''}`),
  reports: () => get<{ reports: PublicReport[] }>('/api/public-reports?limit=50').then((r) => r.reports),
};

/** The log's verifier key, from the public contract (GET /ledger/vkey). */
export async function logVkey(): Promise<string> {
  const res = await fetch('/ledger/vkey').catch((e: Error) => {
    throw new ApiError(0, 'NETWORK', 'Network error', e.message);
  });
  if (!res.ok) throw new ApiError(res.status, `HTTP_${res.status}`, res.statusText);
  return (await res.text()).trim();
}
