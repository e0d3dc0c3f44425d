// Headless Debian Chromium through playwright-core (as the overlay's own browser suites launch it).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Git-ignored (`screenshots/` in the root .gitignore): a person looks at them after a run. */
export const SCREENSHOT_DIR = join(import.meta.dirname, '..', 'screenshots');

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

/** A fresh headless Chromium (every `newContext()` is an isolated profile: one viewer each). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

/** Script errors and Content-Security-Policy refusals of a page (HTTP error statuses are not counted). */
export function watchProblems(page: Page, problems: string[]): Page {
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`${page.url()}: ${message.text()}`);
    }
  });
  return page;
}

/** Writes `tests/screenshots/<name>.png` once the page's animations have settled. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Entrances and bar transitions end; looping effects (a glow) never do, so they are not waited for.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getTiming().iterations !== Number.POSITIVE_INFINITY)
        .map((animation) => animation.finished.catch(() => undefined)), // a cancelled one rejects
    ),
  );
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** A stand-in for the game scene behind the transparent OBS source, so screenshots look like the stream. */
export async function paintStreamBackground(page: Page): Promise<void> {
  await page.addStyleTag({
    content:
      'html.overlay-mode { min-height: 100vh; background: radial-gradient(circle at 30% 40%, #4b5d3a, #1f2a1a 60%, #0d120b) !important; }',
  });
}
