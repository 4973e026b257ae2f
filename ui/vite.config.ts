import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The UI is built into ui/dist and served by the daemon itself (app/api/ui-static.ts).
// `vite` in dev mode proxies the API to a daemon on DD_DEV_API (default localhost:3000).
const api = process.env.DD_DEV_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 300,
    rollupOptions: {
      // Shared component chunks get Vue's internal module names otherwise.
      output: { chunkFileNames: (chunk) => `assets/${chunk.name.replace(/\.vue_vue_type.*$/, '')}-[hash].js` },
    },
  },
  server: {
    proxy: {
      '/api': { target: api, ws: true },
      '/health': api,
    },
  },
});
