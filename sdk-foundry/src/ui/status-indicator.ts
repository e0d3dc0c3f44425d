import type { ConnectionState } from '../lib/connection.js';

export type IndicatorState = 'connected' | 'reconnecting' | 'offline' | 'unpaired' | 'standby';

export interface StatusView {
  readonly state: IndicatorState;
  readonly latencyMs: number | null;
  readonly queued: number;
}

type Localize = (key: string, data?: Record<string, string | number>) => string;

export function indicatorState(state: ConnectionState | 'standby'): IndicatorState {
  switch (state) {
    case 'connected':
      return 'connected';
    case 'connecting':
    case 'reconnecting':
      return 'reconnecting';
    case 'unpaired':
      return 'unpaired';
    case 'standby':
      return 'standby';
    default:
      return 'offline';
  }
}

const LABELS: Record<IndicatorState, string> = {
  connected: 'TUMULTE.Status.Connected',
  reconnecting: 'TUMULTE.Status.Reconnecting',
  offline: 'TUMULTE.Status.Offline',
  unpaired: 'TUMULTE.Status.Unpaired',
  standby: 'TUMULTE.Status.Standby',
};

/** The root element a render hook hands over: v13 gives an HTMLElement, v12 a jQuery object. */
export function hookElement(html: unknown): HTMLElement | null {
  if (typeof HTMLElement !== 'undefined' && html instanceof HTMLElement) return html;
  const first = (html as { [index: number]: unknown } | null)?.[0];
  return typeof HTMLElement !== 'undefined' && first instanceof HTMLElement ? first : null;
}

/**
 * A small line at the top of the players list (the same place in v12 and v13; `renderPlayerList` passes
 * jQuery, `renderPlayers` an HTMLElement): a coloured dot, the state, the latency and the queued events.
 */
export class StatusIndicator {
  private element: HTMLElement | null = null;
  private view: StatusView = { state: 'offline', latencyMs: null, queued: 0 };

  constructor(
    private readonly t: Localize,
    private readonly onClick: () => void,
  ) {}

  attach(html: unknown): void {
    const root = hookElement(html);
    if (!root) return;
    root.querySelector('.tumulte-status')?.remove();
    this.element = root.ownerDocument.createElement('div');
    this.element.className = 'tumulte-status';
    this.element.setAttribute('role', 'button');
    this.element.tabIndex = 0;
    this.element.addEventListener('click', () => this.onClick());
    root.prepend(this.element);
    this.paint();
  }

  update(view: StatusView): void {
    this.view = view;
    this.paint();
  }

  get current(): StatusView {
    return this.view;
  }

  /** The text shown (also the tooltip). */
  describe(): string {
    const parts = [this.t(LABELS[this.view.state])];
    if (this.view.state === 'connected' && this.view.latencyMs !== null) {
      parts.push(this.t('TUMULTE.Status.Latency', { ms: Math.round(this.view.latencyMs) }));
    }
    if (this.view.queued > 0) parts.push(this.t('TUMULTE.Status.Queued', { count: this.view.queued }));
    return parts.join(' · ');
  }

  private paint(): void {
    const element = this.element;
    if (!element) return;
    element.dataset.state = this.view.state;
    element.className = `tumulte-status tumulte-status--${this.view.state}`;
    element.title = `${this.t('TUMULTE.Status.Title')}: ${this.describe()}`;
    element.replaceChildren();
    const dot = element.ownerDocument.createElement('span');
    dot.className = 'tumulte-status__dot';
    const label = element.ownerDocument.createElement('span');
    label.className = 'tumulte-status__label';
    label.textContent = `Tumulte · ${this.describe()}`;
    element.append(dot, label);
  }
}
