import type { PollCreateRequest } from '@tumulte/schemas';

export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 10;
export const MIN_DURATION_SECONDS = 10;
export const MAX_DURATION_SECONDS = 3600;

export interface PollForm {
  connectionId: string;
  question: string;
  options: string[];
  durationSeconds: number;
}

export const emptyPollForm = (connectionId = '', durationSeconds = 60): PollForm => ({
  connectionId,
  question: '',
  options: ['', ''],
  durationSeconds,
});

export type PollFormError = 'connection' | 'question' | 'options' | 'duration';

/** What keeps the form from being sent (the contract's limits: 2–10 options, 10 s – 1 h). */
export function pollFormErrors(form: PollForm): PollFormError[] {
  const errors: PollFormError[] = [];
  if (!form.connectionId) errors.push('connection');
  if (form.question.trim().length === 0) errors.push('question');
  const options = form.options.map((option) => option.trim()).filter((option) => option.length > 0);
  if (options.length < MIN_OPTIONS || options.length > MAX_OPTIONS) errors.push('options');
  const seconds = form.durationSeconds;
  if (!Number.isInteger(seconds) || seconds < MIN_DURATION_SECONDS || seconds > MAX_DURATION_SECONDS) {
    errors.push('duration');
  }
  return errors;
}

/** The body of `POST /api/polls`: trimmed texts, empty option fields left out. */
export function toPollRequest(form: PollForm): PollCreateRequest {
  return {
    connectionId: form.connectionId,
    question: form.question.trim(),
    options: form.options.map((option) => option.trim()).filter((option) => option.length > 0),
    durationSeconds: form.durationSeconds,
  };
}
