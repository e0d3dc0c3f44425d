import type { PollEndPayload, PollStartPayload } from '@tumulte/schemas';
import { escapeHtml } from '../lib/data.js';

type Localize = (key: string, data?: Record<string, string | number>) => string;

/** The chat card of a poll that started. Every text from the server is escaped. */
export function pollStartCard(poll: PollStartPayload, t: Localize): string {
  const seconds = Math.max(0, Math.round((poll.endsAt - poll.startedAt) / 1000));
  const options = poll.options.map((option) => `<li>${escapeHtml(option.label)}</li>`).join('');
  return [
    '<div class="tumulte-poll tumulte-poll--start">',
    `<header class="tumulte-poll__title">${escapeHtml(t('TUMULTE.Poll.Started'))}</header>`,
    `<p class="tumulte-poll__question">${escapeHtml(poll.question)}</p>`,
    `<ol class="tumulte-poll__options">${options}</ol>`,
    `<p class="tumulte-poll__meta">${escapeHtml(t('TUMULTE.Poll.Duration', { seconds }))}</p>`,
    '</div>',
  ].join('');
}

/** The chat card of a poll's result: votes per option and the winner(s). */
export function pollEndCard(poll: PollEndPayload, t: Localize): string {
  const winners = new Set(poll.winners);
  const rows = poll.results
    .map((result) => {
      const share = poll.totalVotes > 0 ? Math.round((result.votes / poll.totalVotes) * 100) : 0;
      const cls = winners.has(result.optionId) ? ' class="tumulte-poll__winner"' : '';
      return `<li${cls}><span>${escapeHtml(result.label)}</span> <strong>${result.votes}</strong> (${share}%)</li>`;
    })
    .join('');
  const winnerLabels = poll.results.filter((r) => winners.has(r.optionId)).map((r) => r.label);
  const verdict =
    winnerLabels.length === 0
      ? t('TUMULTE.Poll.NoVotes')
      : winnerLabels.length === 1
        ? t('TUMULTE.Poll.Winner', { option: winnerLabels[0] ?? '' })
        : t('TUMULTE.Poll.Tie', { options: winnerLabels.join(', ') });
  return [
    '<div class="tumulte-poll tumulte-poll--end">',
    `<header class="tumulte-poll__title">${escapeHtml(t('TUMULTE.Poll.Ended'))}</header>`,
    `<p class="tumulte-poll__question">${escapeHtml(poll.question)}</p>`,
    `<ul class="tumulte-poll__results">${rows}</ul>`,
    `<p class="tumulte-poll__verdict">${escapeHtml(verdict)}</p>`,
    `<p class="tumulte-poll__meta">${escapeHtml(t('TUMULTE.Poll.TotalVotes', { votes: poll.totalVotes }))}</p>`,
    '</div>',
  ].join('');
}
