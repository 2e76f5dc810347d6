// Small hooks the pages share: load data, run a step, keep a step's event id across retries.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, newEventId } from './api.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Runs `load` on mount and whenever `deps` change; `reload()` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data: state.data, error: state.error, loading: state.loading, reload: useCallback(() => setTick((n) => n + 1), []) };
}

export interface Action {
  busy: boolean;
  error: unknown;
  /** Runs `fn`; its error is kept for display, and cleared by the next run. */
  run(fn: () => Promise<void>): Promise<void>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = useCallback(async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}

/**
 * A step (a POST with a client event id). The id stays the same while the step is retried after
 * a lost answer (network error, 5xx: the server answers a retry with its first answer, so no
 * second step is made), and is new once the server has answered for good (done or refused).
 */
export interface StepAction {
  busy: boolean;
  error: unknown;
  run(fn: (eventId: string) => Promise<void>): Promise<void>;
}

export function useStep(): StepAction {
  const action = useAction();
  const id = useRef(newEventId());
  const run = useCallback(
    (fn: (eventId: string) => Promise<void>) =>
      action.run(async () => {
        try {
          await fn(id.current);
          id.current = newEventId();
        } catch (e) {
          const unknownOutcome = e instanceof ApiError && (e.status === 0 || e.status >= 500);
          if (!unknownOutcome) id.current = newEventId();
          throw e;
        }
      }),
    [action.run],
  );
  return { busy: action.busy, error: action.error, run };
}
