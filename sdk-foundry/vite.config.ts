// Builds the installable Foundry module: dist/tumulte-integration/ (module.json, the ES bundle with
// socket.io-client, QR rendering and the generated client, lang, templates, styles) and dist/tumulte-integration.zip.
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, zipSync } from 'fflate';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const MODULE_ID = 'tumulte-integration';
const outDir = join(root, 'dist', MODULE_ID);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
/** Where the manifest and zip are published (stamped into module.json). */
const baseUrl = (process.env.TUMULTE_MODULE_BASE_URL ?? 'https://tumulte.app/foundry').replace(/\/+$/, '');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** Copies the static module files next to the bundle, stamps module.json, zips the folder, reports sizes. */
function foundryModule(): Plugin {
  return {
    name: 'tumulte-foundry-module',
    apply: 'build',
    closeBundle() {
      for (const dir of ['lang', 'templates', 'styles'])
        cpSync(join(root, dir), join(outDir, dir), { recursive: true });
      const manifest = JSON.parse(readFileSync(join(root, 'module.json'), 'utf8')) as Record<string, unknown>;
      manifest.version = pkg.version;
      manifest.manifest = `${baseUrl}/module.json`;
      manifest.download = `${baseUrl}/${MODULE_ID}.zip`;
      writeFileSync(join(outDir, 'module.json'), `${JSON.stringify(manifest, null, 2)}\n`);

      const entries: Record<string, Uint8Array> = {};
      for (const path of files(outDir)) entries[`${MODULE_ID}/${relative(outDir, path)}`] = readFileSync(path);
      writeFileSync(join(root, 'dist', `${MODULE_ID}.zip`), zipSync(entries, { level: 9 }));

      const bundle = readFileSync(join(outDir, 'scripts', `${MODULE_ID}.js`));
      const sizes = { bundleBytes: bundle.length, bundleGzipBytes: gzipSync(bundle, { level: 9 }).length };
      writeFileSync(join(root, 'dist', 'bundle-size.json'), `${JSON.stringify(sizes, null, 2)}\n`);
      console.log(`${MODULE_ID}: bundle ${sizes.bundleBytes} bytes, ${sizes.bundleGzipBytes} bytes gzip`);
    },
  };
}

export default defineConfig({
  define: {
    __MODULE_VERSION__: JSON.stringify(pkg.version),
    'process.env.NODE_ENV': JSON.stringify('production'),
  },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // No source map in the release: it would triple the zip; build with --sourcemap to debug.
    sourcemap: false,
    minify: true,
    lib: {
      entry: join(root, 'src', 'main.ts'),
      formats: ['es'],
      fileName: () => `scripts/${MODULE_ID}.js`,
    },
  },
  plugins: [
    foundryModule(),
    {
      name: 'tumulte-dist-root',
      apply: 'build',
      buildStart() {
        mkdirSync(join(root, 'dist'), { recursive: true });
      },
    },
  ],
});
