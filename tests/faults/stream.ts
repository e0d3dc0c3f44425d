// The game a fault test streams: mostly public rolls, hit-point changes and combat turns, made a few at a time
// at about the pace the module may send (the server allows 50 events/s per socket), so faults hit a live stream.
import type { FoundryGm } from '../support/foundry-gm.js';

const streamEvents = (gm: FoundryGm) => gm.queued.filter((queued) => queued.event !== 'campaign:sync').length;

/**
 * Makes game changes until the module queued `count` more events (the syncs it queues after each connection
 * not counted), calling `between` after every few changes with the number made so far (to inject a fault when its condition
 * is met). Returns how many events were made (exactly `count`: every change makes one).
 */
export async function streamMix(
  gm: FoundryGm,
  count: number,
  between: (made: number) => unknown = () => undefined,
): Promise<number> {
  const start = streamEvents(gm);
  let step = 0;
  for (; streamEvents(gm) - start < count; step += 1) {
    if (step % 10 === 9) gm.nextTurn();
    else if (step % 5 === 2) gm.hurt(step);
    else gm.roll();
    gm.settle();
    if (step % 5 === 4) {
      await between(streamEvents(gm) - start);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return streamEvents(gm) - start;
}
