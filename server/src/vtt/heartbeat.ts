// heartbeat:ping every `intervalMs` (the first right after joining, so the dashboard shows a latency at once);
// a module that has not answered for `timeoutMs` is disconnected.
import type { HeartbeatPongPayload } from '@tumulte/schemas';
import { createVttSocketEmitter } from '@tumulte/schemas/server';
import type { VttSocket } from './socket-data.js';

export interface HeartbeatOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly onPong: (latencyMs: number, pong: HeartbeatPongPayload) => void;
  readonly onTimeout: () => void;
}

/** Starts the heartbeat of `socket`; returns the function that stops it. */
export function startHeartbeat(socket: VttSocket, options: HeartbeatOptions): () => void {
  const emitter = createVttSocketEmitter(socket);
  let stopped = false;
  let watchdog = setTimeout(options.onTimeout, options.timeoutMs);
  const ping = () => {
    const sentAt = Date.now();
    emitter.request.heartbeatPing({ sentAt }, options.timeoutMs).then(
      (pong) => {
        if (stopped) return;
        clearTimeout(watchdog);
        watchdog = setTimeout(options.onTimeout, options.timeoutMs);
        options.onPong(Date.now() - sentAt, pong);
      },
      // No answer (or an invalid one): the watchdog decides.
      () => undefined,
    );
  };
  ping();
  const interval = setInterval(ping, options.intervalMs);
  return () => {
    stopped = true;
    clearInterval(interval);
    clearTimeout(watchdog);
  };
}
