import { DEFAULT_CRIT_SECONDS, WIDGETS, type WidgetName } from '../overlay/options';
import type { Locale } from '../shared/lang';

export interface OverlayUrlChoices {
  readonly widgets: readonly WidgetName[];
  readonly durationSeconds: number;
  readonly lang: Locale | null;
  readonly assets: string;
}

/** The address to paste in OBS: the link's `/overlay/<token>` on this server, with the streamer's choices. */
export function buildOverlayUrl(path: string, origin: string, choices: OverlayUrlChoices): string {
  const url = new URL(path, origin);
  const widgets = WIDGETS.filter((widget) => choices.widgets.includes(widget));
  url.searchParams.set('widgets', (widgets.length > 0 ? widgets : WIDGETS).join(','));
  if (Number.isFinite(choices.durationSeconds) && choices.durationSeconds !== DEFAULT_CRIT_SECONDS) {
    url.searchParams.set('duration', String(choices.durationSeconds));
  }
  if (choices.lang) url.searchParams.set('lang', choices.lang);
  const assets = choices.assets.trim();
  if (/^https?:\/\//i.test(assets)) url.searchParams.set('assets', assets);
  // The query string keeps its commas readable: OBS users read and edit these URLs.
  return url.href.replace(/%2C/g, ',');
}
