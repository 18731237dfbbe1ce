import { defineConfig } from 'vite';

// The node serves the built files from src/Pocc.Node/Dashboard/wwwroot at '/'. During development the dev
// server forwards the API (including the event stream) to a running node: POCC_API, default the devnet's URL.
const api = process.env['POCC_API'] ?? 'http://127.0.0.1:18480';

export default defineConfig({
  base: '/',
  build: {
    outDir: '../../src/Pocc.Node/Dashboard/wwwroot',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    reportCompressedSize: true,
    modulePreload: { polyfill: false }, // one entry chunk, modern browsers only
  },
  server: {
    proxy: { '/v1': { target: api, changeOrigin: true } },
  },
});
