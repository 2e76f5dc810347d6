// The web app: Preact pages, built into web/dist (`vite build web`) and served by the server at /.
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { precacheList } from './src/offline/precache-plugin.ts';

const server = 'http://localhost:8080';

export default defineConfig({
  plugins: [preact({ devToolsEnabled: false, reactAliasesEnabled: false }), precacheList()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  // `npx vite web` serves the pages with hot reload against `npm start` on :8080.
  server: {
    proxy: {
      '/api': server,
      '/ledger': server,
      '/docs': server,
      '/8003': server,
      '/live': { target: server, ws: true },
    },
  },
});
