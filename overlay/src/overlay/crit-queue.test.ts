import { describe, expect, it } from 'vitest';
import { roll } from '../../test/fixtures';
import { CritQueue, isCritical, type Scheduler } from './crit-queue';

/** A scheduler the test advances by hand: no real time passes. */
function manualScheduler() {
  const tasks = new Map<number, { callback: () => void; ms: number }>();
  let next = 1;
  const scheduler: Scheduler = {
    set: (callback, ms) => {
      tasks.set(next, { callback, ms });
      return next++;
    },
    clear: (handle) => {
      tasks.delete(handle as number);
    },
  };
  const fire = () => {
    const [id, task] = [...tasks.entries()][0] ?? [];
    if (id === undefined || !task) throw new Error('nothing scheduled');
    tasks.delete(id);
    task.callback();
    return task.ms;
  };
  return { scheduler, fire, count: () => tasks.size };
}

describe('CritQueue', () => {
  it('shows only critical successes and failures', () => {
    expect(isCritical(roll('a', 'success'))).toBe(true);
    expect(isCritical(roll('b', 'failure'))).toBe(true);
    expect(isCritical(roll('c', 'none'))).toBe(false);
    const { scheduler } = manualScheduler();
    const queue = new CritQueue(5000, scheduler);
    expect(queue.push(roll('c', 'none'))).toBe(false);
    expect(queue.current.value).toBeNull();
  });

  it('shows two crits in a row one after the other, each for the configured duration', () => {
    const clock = manualScheduler();
    const queue = new CritQueue(7000, clock.scheduler);
    expect(queue.push(roll('first', 'success'))).toBe(true);
    expect(queue.push(roll('second', 'failure'))).toBe(true);
    expect(queue.current.value?.rollId).toBe('first');
    expect(queue.pending).toBe(1);

    expect(clock.fire()).toBe(7000);
    expect(queue.current.value?.rollId).toBe('second');
    expect(queue.pending).toBe(0);

    expect(clock.fire()).toBe(7000);
    expect(queue.current.value).toBeNull();
    expect(clock.count()).toBe(0);
  });

  it('shows a roll once even if it arrives again (replay after a reconnect)', () => {
    const clock = manualScheduler();
    const queue = new CritQueue(5000, clock.scheduler);
    queue.push(roll('same', 'success'));
    expect(queue.push(roll('same', 'success'))).toBe(false);
    clock.fire();
    expect(queue.push(roll('same', 'success'))).toBe(false);
    expect(queue.current.value).toBeNull();
  });

  it('never shows rolls marked as seen', () => {
    const { scheduler } = manualScheduler();
    const queue = new CritQueue(5000, scheduler);
    queue.markSeen('old');
    expect(queue.push(roll('old', 'success'))).toBe(false);
    expect(queue.current.value).toBeNull();
  });

  it('bounds the waiting line and clears it', () => {
    const clock = manualScheduler();
    const queue = new CritQueue(5000, clock.scheduler, 2);
    queue.push(roll('1', 'success'));
    queue.push(roll('2', 'success'));
    queue.push(roll('3', 'success'));
    expect(queue.push(roll('4', 'success'))).toBe(false);
    expect(queue.pending).toBe(2);
    queue.clear();
    expect(queue.current.value).toBeNull();
    expect(queue.pending).toBe(0);
    expect(clock.count()).toBe(0);
  });
});
