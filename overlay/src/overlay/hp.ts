import type { HitPoints } from '@tumulte/schemas';

export type HpLevel = 'healthy' | 'wounded' | 'critical' | 'down';

export interface HpBar {
  /** False when the maximum is unknown: no bar, just the numbers. */
  readonly known: boolean;
  /** Width of the current-HP part of the bar, in percent of the bar. */
  readonly currentPct: number;
  /** Width of the temporary-HP part, drawn after the current part. */
  readonly tempPct: number;
  readonly current: number;
  readonly max: number | null;
  readonly temp: number;
  readonly level: HpLevel;
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/**
 * The bar of a character's hit points. The bar spans the maximum, or current + temporary when that is more,
 * so temporary HP are always visible and the two parts never exceed 100 %.
 */
export function hpBar(hp: HitPoints): HpBar {
  const temp = Math.max(0, hp.temp);
  const max = hp.max !== null && hp.max > 0 ? hp.max : null;
  if (max === null) {
    return {
      known: false,
      currentPct: 0,
      tempPct: 0,
      current: hp.current,
      max: hp.max,
      temp,
      level: hp.current <= 0 ? 'down' : 'healthy',
    };
  }
  const current = clamp(hp.current, 0, max);
  const span = Math.max(max, current + temp);
  const ratio = current / max;
  const level: HpLevel = current <= 0 ? 'down' : ratio <= 0.25 ? 'critical' : ratio <= 0.5 ? 'wounded' : 'healthy';
  return {
    known: true,
    currentPct: (current / span) * 100,
    tempPct: (temp / span) * 100,
    current: hp.current,
    max,
    temp,
    level,
  };
}
