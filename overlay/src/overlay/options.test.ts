import { describe, expect, it } from 'vitest';
import { DEFAULT_CRIT_SECONDS, parseOverlayOptions } from './options';

describe('overlay URL options', () => {
  it('shows every widget by default', () => {
    const options = parseOverlayOptions('');
    expect([...options.widgets]).toEqual(['dice', 'party', 'combat', 'poll']);
    expect(options.critDurationMs).toBe(DEFAULT_CRIT_SECONDS * 1000);
    expect(options.assetsBase).toBeNull();
    expect(options.includeNpcs).toBe(false);
  });

  it('reads the widget list, ignoring unknown names', () => {
    expect([...parseOverlayOptions('?widgets=party,%20POLL,nope').widgets]).toEqual(['party', 'poll']);
    expect([...parseOverlayOptions('?widgets=nope').widgets]).toHaveLength(4);
  });

  it('reads the crit alert duration in seconds, within 2–60 s', () => {
    expect(parseOverlayOptions('?duration=10').critDurationMs).toBe(10_000);
    expect(parseOverlayOptions('?duration=2.5').critDurationMs).toBe(2500);
    expect(parseOverlayOptions('?duration=0.1').critDurationMs).toBe(2000);
    expect(parseOverlayOptions('?duration=999').critDurationMs).toBe(60_000);
    expect(parseOverlayOptions('?duration=abc').critDurationMs).toBe(DEFAULT_CRIT_SECONDS * 1000);
  });

  it('accepts only an http(s) assets base and NPCs on request', () => {
    expect(parseOverlayOptions('?assets=https://vtt.example.com/game').assetsBase).toBe(
      'https://vtt.example.com/game/',
    );
    expect(parseOverlayOptions('?assets=javascript:alert(1)').assetsBase).toBeNull();
    expect(parseOverlayOptions('?npcs=1').includeNpcs).toBe(true);
  });
});
