// The service worker (public/sw.js) keeps the app shell for use without signal. Each load with
// signal asks it to fetch what the current build lists (precache.json); it answers 'precached'.
// (Under `vite` dev there is no precache.json: the worker then keeps nothing but the page.)
export function registerShell(onReady: () => void): () => void {
  const sw = navigator.serviceWorker;
  if (!sw) return () => undefined;
  const onMessage = (e: MessageEvent) => e.data === 'precached' && onReady();
  sw.addEventListener('message', onMessage);
  sw.register('/sw.js')
    .then(() => sw.ready)
    .then((reg) => reg.active?.postMessage('precache'))
    .catch(() => undefined); // no worker (private mode, old browser): the page still works online
  return () => sw.removeEventListener('message', onMessage);
}
