// The driver's pages, for a phone that is often out of signal: the loads waiting for this
// driver, scanning each drum onto the truck, signing pickup and handover. Every step goes into
// the IndexedDB outbox under an event id reserved ahead and is sent when there is signal; the
// service worker keeps the pages themselves, so a reload without signal still works.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n/index.ts';
import { flush, isSending, kept, NoReservedIds, offline, onOutbox, queued, record, reservedIds, topUpIds } from '../../offline/outbox.ts';
import { registerShell } from '../../offline/shell.ts';
import { navigate } from '../../router.tsx';
import { getSession } from '../../session.ts';
import { ProblemBox } from '../../components/ui.tsx';
import { HomePage, type OutboxState } from './home.tsx';
import { cachedLoads, fetchLoads, type Load, type Loads } from './loads.ts';
import { Orgs, SignalBanner } from './parts.tsx';
import { ScanPage } from './scan.tsx';

/** While steps wait, the outbox is tried this often (besides the browser's 'online' event). */
const RETRY_MS = 10_000;

export function DriverPages({ path }: { path: string }) {
  const session = getSession()!;
  const personId = session.personId;
  const [loads, setLoads] = useState<Loads>();
  const [online, setOnline] = useState(navigator.onLine);
  const [shellReady, setShellReady] = useState(false);
  const [box, setBox] = useState<OutboxState>({ queued: [], kept: [], ids: 0, sending: false });
  const [notice, setNotice] = useState<string | null>(null);
  const [problem, setProblem] = useState<unknown>(null);

  const refreshBox = useCallback(async () => {
    const [q, k, ids] = await Promise.all([queued(personId), kept(personId), reservedIds(personId)]);
    setBox({ queued: q, kept: k, ids: ids.length, sending: isSending() });
  }, [personId]);

  /** Send what waits, then fetch the loads again; without signal, show the loads last fetched. */
  const sync = useCallback(async () => {
    try {
      await flush(personId);
      setLoads(await fetchLoads(session));
      setOnline(true);
      setProblem(null);
    } catch (e) {
      if (!offline(e)) setProblem(e);
      else {
        setOnline(false);
        const cached = await cachedLoads(personId);
        setLoads((l) => l ?? cached ?? { loads: [], orgs: {}, fetchedAt: '' });
      }
    }
    await refreshBox();
  }, [personId]);

  useEffect(() => {
    const unregister = registerShell(() => setShellReady(true));
    const unsubscribe = onOutbox(() => void refreshBox());
    void cachedLoads(personId).then((c) => c && setLoads((l) => l ?? c));
    void topUpIds(personId).catch(() => undefined).then(refreshBox);
    void sync();
    const up = () => void sync();
    const down = () => setOnline(false);
    addEventListener('online', up);
    addEventListener('offline', down);
    const timer = setInterval(async () => {
      const waiting = (await queued(personId)).length > 0 || (await kept(personId)).some((s) => s.status === 'pending');
      if (waiting && navigator.onLine) void sync();
    }, RETRY_MS);
    return () => {
      unregister();
      unsubscribe();
      removeEventListener('online', up);
      removeEventListener('offline', down);
      clearInterval(timer);
    };
  }, [personId]);

  const done = (msg: string) => {
    setNotice(msg);
    navigate('/driver');
    void sync(); // the step is on its way: then the loads as they now stand
  };

  async function depart(l: Load) {
    try {
      await record(personId, { kind: 'departure', manifestId: l.manifest.id, manifestNumber: l.manifest.number, vehiclePlate: l.vehiclePlate });
      setNotice(t('driver.done.departure', { number: l.manifest.number }));
      void sync();
    } catch (e) {
      setProblem(e instanceof NoReservedIds ? new Error(t('driver.noIds')) : e);
    }
  }

  const at = /^\/driver\/load\/([^/]+)\/(pickup|handover)$/.exec(path);
  const load = at && loads?.loads.find((l) => l.manifest.id === decodeURIComponent(at[1]) && l.kind === at[2]);
  return (
    <Orgs.Provider value={loads?.orgs ?? {}}>
      <div class="driver" data-online={online ? 'yes' : 'no'} data-shell={shellReady ? 'ready' : 'no'}>
        <SignalBanner online={online} fetchedAt={loads?.fetchedAt} shellReady={shellReady} />
        {notice && !at && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <ProblemBox error={problem} />
        {at ? (
          load ? (
            <ScanPage key={path} load={load} personId={personId} onDone={done} />
          ) : (
            <p class="muted">{loads ? t('driver.gone') : t('app.loading')}</p>
          )
        ) : (
          <HomePage personId={personId} loads={loads} box={box} onDepart={depart} onSend={() => void sync()} />
        )}
        {at && (
          <button type="button" class="big back" onClick={() => navigate('/driver')}>
            {t('app.back')}
          </button>
        )}
      </div>
    </Orgs.Provider>
  );
}
