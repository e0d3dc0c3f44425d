// The event size limit (`limits.maxPayloadBytes`, bytes of JSON). Socket.IO reads frames up to the transport
// limit (twice as much) so an event a little too large gets a clear PAYLOAD_TOO_LARGE acknowledgement; a frame
// over the transport limit closes the connection before anything is parsed.
import { ProtocolError } from '@tumulte/schemas';

export const transportLimit = (maxPayloadBytes: number) => maxPayloadBytes * 2;

type Packet = unknown[];

/** Socket middleware: refuses (through the ack, when there is one) an event whose payload is too large. */
export function payloadSizeLimit(maxPayloadBytes: number, onRefused: (event: string) => void) {
  return (packet: Packet, next: (error?: Error) => void): void => {
    const [event, ...args] = packet;
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as (reply: unknown) => void) : undefined;
    let size = 0;
    try {
      size = Buffer.byteLength(JSON.stringify(args) ?? '', 'utf8');
    } catch {
      size = Number.POSITIVE_INFINITY;
    }
    if (size <= maxPayloadBytes) {
      next();
      return;
    }
    onRefused(String(event));
    const error = new ProtocolError('PAYLOAD_TOO_LARGE', `Events are at most ${maxPayloadBytes} bytes of JSON.`);
    ack?.({ ok: false, error: error.toErrorInfo() });
  };
}
