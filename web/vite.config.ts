/**
 * The dashboard build: `npm run build:web` → web/dist (served by `payback serve`).
 * The engine and analyses are imported straight from src/ (pure TypeScript),
 * the built-in scenarios and catalog from data/ as raw text. Each page is its
 * own chunk (web/src/pages.ts); every text file over 1 KB gets a brotli
 * (`.br`) and a gzip (`.gz`) twin, which `payback serve` sends to a browser
 * that accepts them (src/server/static.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The compressed twins of the build's text files, made once here at the highest settings. */
function compressedTwins(): Plugin {
  return {
    name: 'payback-compressed-twins',
    apply: 'build',
    enforce: 'post',
    // once the files are written, as they are (earlier, a chunk may still hold placeholders a later step fills in)
    writeBundle(options, bundle) {
      const dir = options.dir ?? join(here, 'dist');
      for (const name of Object.keys(bundle)) {
        if (!/\.(js|mjs|css|html|svg|json)$/.test(name)) continue;
        const bytes = readFileSync(join(dir, name));
        if (bytes.length < 1024) continue;
        writeFileSync(join(dir, `${name}.br`), brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
        writeFileSync(join(dir, `${name}.gz`), gzipSync(bytes, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [preact({ prefreshEnabled: false, devToolsEnabled: false }), compressedTwins()],
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: true,
    // the compressed twins take seconds by design (brotli at its best setting): not a slow plugin to warn of
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
