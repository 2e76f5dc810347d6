// The /live websocket: newly sealed entries (and notices) the inspector may see, as they come.
// The token goes in the query (browsers cannot set headers on a websocket); the server closes the
// feed when the token expires, and the page reconnects with a fresh one.
import { useEffect, useRef, useState } from 'preact/hooks';
import { me } from '../../api.ts';
import { getSession } from '../../session.ts';

export interface LiveMessage {
  type: string;
  index?: number;
  entry?: { data?: Record<string, unknown> };
  [k: string]: unknown;
}

export type LiveState = 'connecting' | 'open' | 'closed';

export function useLive(onMessage: (m: LiveMessage) => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handler = useRef(onMessage);
  handler.current = onMessage;
  useEffect(() => {
    let socket: WebSocket | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const connect = async () => {
      setState('connecting');
      // Any authenticated call refreshes the access token when it is about to expire.
      await me().catch(() => undefined);
      const token = getSession()?.accessToken;
      if (stopped || !token) return;
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      socket = new WebSocket(`${scheme}://${location.host}/live?access_token=${encodeURIComponent(token)}`);
      socket.onmessage = (ev) => {
        const m = JSON.parse(String(ev.data)) as LiveMessage & { hello?: unknown };
        if (m.hello) setState('open');
        else handler.current(m);
      };
      socket.onclose = () => {
        setState('closed');
        if (!stopped) retry = setTimeout(() => void connect(), 2000);
      };
    };
    void connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      socket?.close();
    };
  }, []);
  return state;
}
