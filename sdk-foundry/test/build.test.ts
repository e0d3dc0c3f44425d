// @vitest-environment happy-dom
// `npm run build`: the installable module folder and zip. module.json is valid for Foundry (every file it names
// exists), the bundle carries socket.io-client, the QR renderer and the generated client (no bare imports left),
// and the built bundle registers itself in a simulated Foundry page.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { build } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeApplications, flattenLang, standardWorld } from './sim/runtime.js';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist', 'tumulte-integration');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

beforeAll(async () => {
  await build({ configFile: join(root, 'vite.config.ts'), root, logLevel: 'silent' });
}, 120_000);

describe('build', () => {
  it('emits a module.json Foundry accepts, naming files that exist', () => {
    const manifest = JSON.parse(readFileSync(join(dist, 'module.json'), 'utf8'));
    expect(manifest).toMatchObject({
      id: 'tumulte-integration',
      version: pkg.version,
      compatibility: { minimum: '12', verified: '13' },
      socket: true,
    });
    expect(typeof manifest.title).toBe('string');
    expect(manifest.manifest).toMatch(/^https?:\/\/.+\/module\.json$/);
    expect(manifest.download).toMatch(/^https?:\/\/.+\.zip$/);
    for (const path of [...manifest.esmodules, ...manifest.styles])
      expect(existsSync(join(dist, path)), path).toBe(true);
    expect(manifest.languages.map((l: { lang: string }) => l.lang).sort()).toEqual(['en', 'fr']);
    for (const language of manifest.languages) {
      expect(Object.keys(flattenLang(JSON.parse(readFileSync(join(dist, language.path), 'utf8'))))).not.toHaveLength(0);
    }
    expect(existsSync(join(dist, 'templates', 'pairing-dialog.hbs'))).toBe(true);
  });

  it('bundles socket.io-client, the QR renderer and the generated client into one ES module', () => {
    const bundle = readFileSync(join(dist, 'scripts', 'tumulte-integration.js'), 'utf8');
    expect(bundle).not.toMatch(/^\s*import\s.*from\s*["'][^./]/m); // no bare import left for Foundry to resolve
    expect(bundle).toContain('/socket.io/'); // socket.io-client's default path
    expect(bundle).toContain('connection:revoked'); // the generated event table
    expect(bundle).toContain('tumulte-pairing+jwt');
    expect(bundle).toContain('shape-rendering'); // qrcode's SVG renderer
    const sizes = JSON.parse(readFileSync(join(root, 'dist', 'bundle-size.json'), 'utf8'));
    expect(sizes.bundleGzipBytes).toBeGreaterThan(0);
    expect(sizes.bundleGzipBytes).toBeLessThan(sizes.bundleBytes);
  });

  it('zips the module folder under tumulte-integration/', () => {
    const entries = Object.keys(unzipSync(readFileSync(join(root, 'dist', 'tumulte-integration.zip'))));
    for (const path of [
      'module.json',
      'scripts/tumulte-integration.js',
      'styles/tumulte.css',
      'lang/en.json',
      'lang/fr.json',
      'templates/pairing-dialog.hbs',
    ]) {
      expect(entries).toContain(`tumulte-integration/${path}`);
    }
  });

  it('the built bundle registers on init in a simulated Foundry page', async () => {
    const { world, gm } = standardWorld();
    const tab = world.connect(gm);
    const env = tab.env;
    const globals = globalThis as Record<string, unknown>;
    Object.assign(globals, {
      Hooks: tab.Hooks,
      game: tab.game,
      ui: { notifications: env.notifications },
      ChatMessage: env.ChatMessage,
      foundry: { applications: { api: fakeApplications } },
    });
    try {
      await import(/* @vite-ignore */ `${join(dist, 'scripts', 'tumulte-integration.js')}?t=${Date.now()}`);
      tab.Hooks.callAll('init');
      expect(world.settings.configs.has('tumulte-integration.serverUrl')).toBe(true);
      expect(world.settings.menus.has('tumulte-integration.pairing')).toBe(true);
      const api = tab.moduleRecord.api as { registerAdapter: unknown; status: () => unknown };
      expect(typeof api.registerAdapter).toBe('function');
      tab.Hooks.callAll('ready');
    } finally {
      for (const name of ['Hooks', 'game', 'ui', 'ChatMessage', 'foundry']) delete globals[name];
    }
  });
});
