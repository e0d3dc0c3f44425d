export const WIDGETS = ['dice', 'party', 'combat', 'poll'] as const;
export type WidgetName = (typeof WIDGETS)[number];

export interface OverlayOptions {
  readonly widgets: ReadonlySet<WidgetName>;
  /** How long one critical-roll alert stays on screen. */
  readonly critDurationMs: number;
  /** Where relative VTT image paths live (`assets=https://my-foundry.example/`), or null to show initials. */
  readonly assetsBase: string | null;
  /** Whether the party panel also lists the NPCs the GM shares. */
  readonly includeNpcs: boolean;
}

export const DEFAULT_CRIT_SECONDS = 6;
const MIN_CRIT_SECONDS = 2;
const MAX_CRIT_SECONDS = 60;

const isWidget = (value: string): value is WidgetName => (WIDGETS as readonly string[]).includes(value);

function httpUrl(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
    return url.href;
  } catch {
    return null;
  }
}

/** Reads `?widgets=dice,party,combat,poll&duration=<seconds>&assets=<url>&npcs=1` (all widgets when absent). */
export function parseOverlayOptions(search: string): OverlayOptions {
  const params = new URLSearchParams(search);
  const listed = (params.get('widgets') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(isWidget);
  const seconds = Number(params.get('duration'));
  const critSeconds = Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_CRIT_SECONDS;
  return {
    widgets: new Set(listed.length > 0 ? listed : WIDGETS),
    critDurationMs: Math.round(Math.min(MAX_CRIT_SECONDS, Math.max(MIN_CRIT_SECONDS, critSeconds)) * 1000),
    assetsBase: httpUrl(params.get('assets')),
    includeNpcs: ['1', 'true', 'yes'].includes((params.get('npcs') ?? '').toLowerCase()),
  };
}
