import QRCode from 'qrcode';
import { TEMPLATE_ROOT } from '../constants.js';
import type { PairingSession, PairingState, PairingStatus } from '../lib/pairing.js';

type Localize = (key: string, data?: Record<string, string | number>) => string;

export interface PairingController {
  /** The running pairing session (created and started on first use); null on a client that does not send. */
  session(): PairingSession | null;
  /** Pairs with the account's HS256 pairing secret (where WebCrypto is unavailable). */
  useSecret(secret: string): Promise<void>;
  readonly t: Localize;
  now(): number;
  /** Copies to the clipboard; false when this page has no clipboard access. */
  copy(text: string): Promise<boolean>;
  open(url: string): void;
  notify(message: string): void;
}

export interface PairingContext {
  readonly status: PairingStatus;
  readonly statusLabel: string;
  readonly waiting: boolean;
  /** No WebCrypto here: the dialog asks for the account's pairing secret. */
  readonly needsSecret: boolean;
  /** The link is signed with the saved pairing secret (HS256): offer to enter a new one (rotated in the dashboard). */
  readonly changeSecret: boolean;
  readonly paired: boolean;
  readonly ended: boolean;
  readonly url: string | null;
  readonly code: string | null;
  readonly qrSvg: string | null;
  readonly countdown: string;
  readonly worldName: string | null;
  readonly error: string | null;
}

const STATUS_LABELS: Record<PairingStatus, string> = {
  creating: 'TUMULTE.Pairing.Status.creating',
  secret: 'TUMULTE.Pairing.Status.secret',
  waiting: 'TUMULTE.Pairing.Status.waiting',
  paired: 'TUMULTE.Pairing.Status.paired',
  expired: 'TUMULTE.Pairing.Status.expired',
  used: 'TUMULTE.Pairing.Status.used',
  failed: 'TUMULTE.Pairing.Status.failed',
};

/** `m:ss` until the token expires (0:00 once expired). */
export function countdown(expiresAt: number, now: number): string {
  const seconds = Math.max(0, Math.ceil((expiresAt - now) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The QR code of the pairing URL as an SVG string, rendered locally (no external service). */
export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'L', margin: 2 });
}

/** What the template shows for a pairing state (kept apart from the ApplicationV2 class so it is testable). */
export async function pairingContext(state: PairingState, now: number, t: Localize): Promise<PairingContext> {
  const ticket = state.ticket;
  const expired =
    state.status === 'expired' || (ticket !== null && now >= ticket.expiresAt && state.status === 'waiting');
  const status: PairingStatus = expired ? 'expired' : state.status;
  return {
    status,
    statusLabel: t(STATUS_LABELS[status]),
    waiting: status === 'waiting',
    needsSecret: status === 'secret',
    changeSecret: ticket?.algorithm === 'HS256' && status !== 'paired',
    paired: status === 'paired',
    ended: status === 'expired' || status === 'used' || status === 'failed',
    url: ticket?.url ?? null,
    code: ticket?.code ?? null,
    qrSvg: ticket && status === 'waiting' ? await qrSvg(ticket.url) : null,
    countdown: ticket ? countdown(ticket.expiresAt, now) : '',
    worldName: ticket?.claims.world_name ?? null,
    error: state.error === 'short' ? t('TUMULTE.Pairing.SecretTooShort') : state.error,
  };
}

/**
 * The pairing dialog (ApplicationV2 + Handlebars, v12+). Defined at runtime because its base class comes from
 * Foundry. Buttons: copy URL, copy code, open Tumulte, regenerate, and for HS256 use / change the pairing secret;
 * the countdown ticks every second.
 */
export function definePairingDialog(
  api: Foundry.ApplicationsApi,
  controller: PairingController,
): Foundry.ApplicationV2Class {
  const Base = api.HandlebarsApplicationMixin(api.ApplicationV2);

  class PairingDialog extends Base {
    static DEFAULT_OPTIONS = {
      id: 'tumulte-pairing',
      tag: 'div',
      classes: ['tumulte-pairing'],
      window: { title: 'TUMULTE.Pairing.Title', icon: 'fa-solid fa-link', resizable: false },
      position: { width: 480, height: 'auto' },
      actions: {
        copyUrl: PairingDialog.onCopyUrl,
        copyCode: PairingDialog.onCopyCode,
        openTumulte: PairingDialog.onOpen,
        regenerate: PairingDialog.onRegenerate,
        useSecret: PairingDialog.onUseSecret,
        changeSecret: PairingDialog.onChangeSecret,
      },
    };

    static PARTS = { body: { template: `${TEMPLATE_ROOT}/pairing-dialog.hbs` } };

    private unsubscribe: (() => void) | null = null;
    private ticker: ReturnType<typeof setInterval> | null = null;

    async _prepareContext(): Promise<PairingContext> {
      const session = controller.session();
      if (!session) {
        // Opened from the settings menu on a GM client that is not the sender.
        return pairingContext(
          { status: 'failed', ticket: null, error: controller.t('TUMULTE.Notify.NotActiveGM') },
          controller.now(),
          controller.t,
        );
      }
      if (!this.unsubscribe) this.unsubscribe = session.onChange(() => this.render());
      return pairingContext(session.current, controller.now(), controller.t);
    }

    _onRender(): void {
      if (this.ticker) return;
      this.ticker = setInterval(() => {
        const state = controller.session()?.current;
        if (!state) return;
        const node = this.element?.querySelector('[data-tumulte-countdown]');
        if (node && state.ticket) node.textContent = countdown(state.ticket.expiresAt, controller.now());
        if (state.status === 'waiting' && state.ticket && controller.now() >= state.ticket.expiresAt) this.render();
      }, 1000);
    }

    _onClose(): void {
      if (this.ticker) clearInterval(this.ticker);
      this.ticker = null;
      this.unsubscribe?.();
      this.unsubscribe = null;
    }

    static async onCopyUrl(this: PairingDialog): Promise<void> {
      const url = controller.session()?.current.ticket?.url;
      if (!url) return;
      if (await controller.copy(url)) controller.notify(controller.t('TUMULTE.Pairing.Copied'));
    }

    static async onCopyCode(this: PairingDialog): Promise<void> {
      const code = controller.session()?.current.ticket?.code;
      if (!code) return;
      if (await controller.copy(code)) controller.notify(controller.t('TUMULTE.Pairing.Copied'));
    }

    static onOpen(this: PairingDialog): void {
      const url = controller.session()?.current.ticket?.url;
      if (url) controller.open(url);
    }

    static async onUseSecret(this: PairingDialog): Promise<void> {
      // biome-ignore lint/complexity/noThisInStatic: ApplicationV2 calls action handlers with the application as `this`.
      const input = this.element?.querySelector<HTMLInputElement>('input[name="pairingSecret"]');
      await controller.useSecret(input?.value ?? '');
      // biome-ignore lint/complexity/noThisInStatic: as above.
      this.render();
    }

    static onChangeSecret(this: PairingDialog): void {
      controller.session()?.changeSecret();
      // biome-ignore lint/complexity/noThisInStatic: ApplicationV2 calls action handlers with the application as `this`.
      this.render();
    }

    static async onRegenerate(this: PairingDialog): Promise<void> {
      await controller.session()?.regenerate();
      // biome-ignore lint/complexity/noThisInStatic: ApplicationV2 calls action handlers with the application as `this`.
      this.render();
    }
  }

  return PairingDialog;
}
