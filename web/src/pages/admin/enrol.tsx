// Enrol a device's signing key: paste the public JWK and the proof the device's gateway made, or
// make a new key here and hand its private half (a JWK file) to the gateway.
import { useEffect, useState } from 'preact/hooks';
import { Field, Notice, ProblemBox, value } from '../../components/ui.tsx';
import { useAction } from '../../hooks.ts';
import { t } from '../../i18n/index.ts';
import { devices, type DeviceHealth, type PublicJwk } from './api.ts';
import { canMakeKeys, makeDeviceKey } from './device-key.ts';

export function EnrolForm({ list, onDone }: { list: DeviceHealth[]; onDone: () => void }) {
  const [deviceId, setDevice] = useState('');
  const [jwk, setJwk] = useState('');
  const [proof, setProof] = useState('');
  const [download, setDownload] = useState<string | null>(null);
  const [ok, setOk] = useState('');
  const action = useAction();
  const making = useAction();
  useEffect(() => () => void (download && URL.revokeObjectURL(download)), [download]);

  const make = () =>
    making.run(async () => {
      const k = await makeDeviceKey(deviceId);
      setJwk(JSON.stringify(k.jwk));
      setProof(k.proof);
      setDownload(URL.createObjectURL(new Blob([JSON.stringify(k.privateJwk, null, 2)], { type: 'application/jwk+json' })));
    });
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      let key: PublicJwk;
      try {
        key = JSON.parse(jwk) as PublicJwk;
      } catch {
        throw new Error(t('adm.enrol.badJson'));
      }
      const r = await devices.enrol(deviceId, key, proof.trim());
      setOk(t('adm.enrol.done', { id: deviceId, index: r.index }));
      onDone();
    });
  };
  return (
    <form class="card enrol-form" onSubmit={submit}>
      <h2>{t('adm.enrol.title')}</h2>
      <Field label={t('adm.col.device')}>
        <select name="deviceId" required value={deviceId} onChange={(e) => { setDevice(value(e)); setJwk(''); setProof(''); setDownload(null); }}>
          <option value="">{t('app.pick')}</option>
          {list.map((d) => <option key={d.id} value={d.id}>{d.id}</option>)}
        </select>
      </Field>
      {canMakeKeys() && (
        <p>
          <button type="button" class="make-key" disabled={!deviceId || making.busy} onClick={make}>{t('adm.enrol.make')}</button>{' '}
          {download && <a class="private-key" href={download} download={`${deviceId}.jwk`}>{t('adm.enrol.download', { file: `${deviceId}.jwk` })}</a>}
        </p>
      )}
      <ProblemBox error={making.error} />
      <Field label={t('adm.enrol.jwk')} hint={t('adm.enrol.jwkHint')}>
        <textarea name="jwk" class="mono" rows={3} required value={jwk} onInput={(e) => setJwk(value(e))} />
      </Field>
      <Field label={t('adm.enrol.proof')} hint={t('adm.enrol.proofHint', { claim: `{"action":"key.enrol","device":"${deviceId || '…'}"}` })}>
        <textarea name="proof" class="mono" rows={3} required value={proof} onInput={(e) => setProof(value(e))} />
      </Field>
      <ProblemBox error={action.error} />
      <Notice>{ok}</Notice>
      <button type="submit" class="primary" disabled={action.busy || !deviceId}>{t('adm.enrol.submit')}</button>
    </form>
  );
}
