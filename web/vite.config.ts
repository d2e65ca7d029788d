/**
 * The dashboard build: `npm run build:web` → web/dist (served by `payback serve`).
 * The engine and analyses are imported straight from src/ (pure TypeScript),
 * the built-in scenarios and catalog from data/ as raw text.
 */
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [preact({ prefreshEnabled: false, devToolsEnabled: false })],
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: true,
  },
});
