// Build step for the service worker (public/sw.js): lists every file Vite emitted (hashed
// scripts, styles, lazy chunks such as the QR decoder) in precache.json, so the worker can keep
// all of them for use without signal, including chunks the first page load never asked for.
import type { Plugin } from 'vite';

export function precacheList(): Plugin {
  return {
    name: 'hazledger-precache-list',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => f !== 'index.html').sort();
      this.emitFile({ type: 'asset', fileName: 'precache.json', source: JSON.stringify(files) });
    },
  };
}
