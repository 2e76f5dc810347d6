// The service worker of the driver's phone: keeps the app shell (index.html, every file of the
// build as listed in precache.json, the icons) so the pages open without signal. Pages are
// fetched from the network first (a new build shows at once), built files from the cache first
// (their names change with their content). API calls are never touched: the page keeps its own
// outbox of steps in IndexedDB and sends it when the network returns.
const CACHE = 'hazledger-shell-v1';
const STATIC = ['/', '/favicon.svg', '/manifest.webmanifest', '/icon-192.png', '/icon-512.png'];
const SERVER = /^\/(api|ledger|docs|live|gateway|devices|NotificationInfo|healthz|problems)(\/|$)/;

/** Cache what the current build lists, and drop what an older build left behind. */
async function precache() {
  const res = await fetch('/precache.json', { cache: 'no-store' });
  if (!res.ok) return;
  const wanted = [...STATIC, ...(await res.json()).map((f) => `/${f}`)];
  const cache = await caches.open(CACHE);
  const have = new Set((await cache.keys()).map((r) => new URL(r.url).pathname));
  // Hashed files once (their name changes with their content); the page, icons and manifest each time.
  await Promise.all(wanted.filter((p) => !p.startsWith('/assets/') || !have.has(p)).map((p) => cache.add(new Request(p, { cache: 'no-cache' }))));
  for (const r of await cache.keys()) if (!wanted.includes(new URL(r.url).pathname)) await cache.delete(r);
}

self.addEventListener('install', (e) => e.waitUntil(precache().then(() => self.skipWaiting())));
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('message', (e) => {
  if (e.data === 'precache') e.waitUntil(precache().then(() => e.source?.postMessage('precached'), () => undefined));
});

self.addEventListener('fetch', (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== location.origin || SERVER.test(url.pathname)) return;
  if (req.mode === 'navigate') {
    // Every page path is the same index.html: the app routes by itself.
    e.respondWith(
      fetch(req).then(
        (res) => {
          if (res.ok && res.headers.get('content-type')?.includes('text/html') && !url.pathname.startsWith('/8003/')) {
            const copy = res.clone();
            e.waitUntil(caches.open(CACHE).then((c) => c.put('/', copy)));
          }
          return res;
        },
        async () => (await caches.match('/')) ?? Response.error(),
      ),
    );
  } else if (url.pathname.startsWith('/assets/') || /^\/[^/]+\.[a-z0-9]+$/i.test(url.pathname)) {
    e.respondWith(caches.match(url.pathname).then((hit) => hit ?? fetch(req)));
  }
});
