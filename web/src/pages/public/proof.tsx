// The proof that the drum's latest record is in the signed log, checked here in the visitor's
// browser: the entry's exact bytes, the tlog-proof and the log key, through ledger/.
import { useLoad } from '../../hooks.ts';
import { t } from '../../i18n/index.ts';
import { verifyRecordProof } from '../../verify/record-proof.ts';
import { publicApi, type PublicDrum } from './api.ts';

export function RecordProof({ drum }: { drum: PublicDrum }) {
  const { lastSeen, proof } = drum;
  const result = useLoad(async () => {
    if (!lastSeen || !proof) return undefined;
    const [vkey, entry] = await Promise.all([publicApi.vkey(), publicApi.entry(lastSeen.index)]);
    return { vkey, verdict: verifyRecordProof(proof, entry, vkey, lastSeen) };
  }, [proof]);

  if (!lastSeen || !proof) return <p class="muted">{t('pub.proof.none')}</p>;
  if (result.loading) return <p class="proof" data-proof="checking">{t('pub.proof.checking')}</p>;
  const v = result.data?.verdict;
  if (!v || !v.ok) {
    const reason = v && !v.ok ? v.reason : String((result.error as Error | undefined)?.message ?? '');
    return (
      <div class="proof proof-bad" data-proof="failed" role="status">
        <strong>{t('pub.proof.bad')}</strong>
        <div class="muted small">{reason}</div>
      </div>
    );
  }
  const [name, keyId] = result.data!.vkey.split('+');
  return (
    <div class="proof proof-ok" data-proof="verified" role="status">
      <strong>{t('pub.proof.ok', { index: v.index })}</strong>
      <div class="muted small">{t('pub.proof.okDetail', { origin: v.checkpoint.origin, size: v.checkpoint.size, key: `${name}+${keyId}` })}</div>
    </div>
  );
}
