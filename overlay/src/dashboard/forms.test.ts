import { describe, expect, it } from 'vitest';
import { buildOverlayUrl } from './overlay-url';
import { emptyPollForm, pollFormErrors, toPollRequest } from './poll-form';

describe('poll form', () => {
  it('needs a world, a question, 2 to 10 options and 10 s to 1 h', () => {
    const form = emptyPollForm('conn-1');
    expect(pollFormErrors(form)).toEqual(['question', 'options']);
    form.question = ' Which door? ';
    form.options = ['Red', '  ', 'Blue'];
    expect(pollFormErrors(form)).toEqual([]);
    expect(toPollRequest(form)).toEqual({
      connectionId: 'conn-1',
      question: 'Which door?',
      options: ['Red', 'Blue'],
      durationSeconds: 60,
    });
    expect(pollFormErrors({ ...form, options: Array.from({ length: 11 }, (_, i) => `o${i}`) })).toEqual(['options']);
    expect(pollFormErrors({ ...form, durationSeconds: 9 })).toEqual(['duration']);
    expect(pollFormErrors({ ...form, durationSeconds: 3601 })).toEqual(['duration']);
    expect(pollFormErrors({ ...form, durationSeconds: 12.5 })).toEqual(['duration']);
    expect(pollFormErrors({ ...form, connectionId: '' })).toEqual(['connection']);
  });
});

describe('overlay URL for OBS', () => {
  it('adds the chosen widgets, duration, language and assets base', () => {
    expect(
      buildOverlayUrl('/overlay/tok', 'http://127.0.0.1:3000', {
        widgets: ['poll', 'dice'],
        durationSeconds: 8,
        lang: 'fr',
        assets: 'https://vtt.example.com/',
      }),
    ).toBe(
      'http://127.0.0.1:3000/overlay/tok?widgets=dice,poll&duration=8&lang=fr&assets=https%3A%2F%2Fvtt.example.com%2F',
    );
  });

  it('keeps every widget when none is ticked and leaves defaults out', () => {
    expect(
      buildOverlayUrl('/overlay/tok', 'https://t.example', { widgets: [], durationSeconds: 6, lang: null, assets: '' }),
    ).toBe('https://t.example/overlay/tok?widgets=dice,party,combat,poll');
  });
});
