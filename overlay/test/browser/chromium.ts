import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const OVERLAY_DIR = join(import.meta.dirname, '..', '..');
export const DIST_DIR = join(OVERLAY_DIR, 'dist');
/** Git-ignored: a person looks at them after a run. */
export const SCREENSHOT_DIR = join(OVERLAY_DIR, 'screenshots');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(`Chromium not found at ${path}: install Debian's "chromium" package or set CHROMIUM_PATH`);
  }
  return path;
}

/**
 * Headless Debian Chromium. Playwright's `launch` gives every run a fresh temporary user-data-dir, and every
 * `newContext()` is a fresh, isolated profile (its own cookies: one viewer each).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

function newestChange(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(latest, entry.isDirectory() ? newestChange(path) : statSync(path).mtimeMs);
  }, 0);
}

/** Builds overlay/dist when it is missing or older than the sources (turbo builds it before `test` anyway). */
export function ensureBuilt(): void {
  const index = join(DIST_DIR, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestChange(join(OVERLAY_DIR, 'src'))) return;
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: OVERLAY_DIR, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('vite build failed');
}

/** Writes `screenshots/<name>.png` once bars and entrances have finished animating. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** A stand-in for the game scene behind a transparent OBS source, so screenshots look like the stream. */
export async function paintStreamBackground(page: Page): Promise<void> {
  await page.addStyleTag({
    content:
      'html.overlay-mode { min-height: 100vh; background: radial-gradient(circle at 30% 40%, #4b5d3a, #1f2a1a 60%, #0d120b) !important; }',
  });
}
