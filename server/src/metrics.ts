// Prometheus metrics (GET /metrics). One registry per server instance, so several servers in one process
// (tests) do not collide.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type RejectSource = 'socket' | 'handshake' | 'http';

export class Metrics {
  readonly registry = new Registry();

  /** Module sockets connected to this node. */
  readonly vttSockets = new Gauge({
    name: 'tumulte_vtt_connections',
    help: 'VTT module sockets connected to this node',
    registers: [this.registry],
  });

  readonly events = new Counter({
    name: 'tumulte_vtt_events_total',
    help: 'Inbound VTT events by event name and result (stored, duplicate, rejected)',
    labelNames: ['event', 'result'] as const,
    registers: [this.registry],
  });

  readonly rejects = new Counter({
    name: 'tumulte_rejects_total',
    help: 'Refused requests, events and handshakes by error code and where they were refused',
    labelNames: ['code', 'source'] as const,
    registers: [this.registry],
  });

  readonly heartbeatLatency = new Histogram({
    name: 'tumulte_vtt_heartbeat_latency_seconds',
    help: 'Round trip of heartbeat:ping to VTT modules',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly ingestBatch = new Histogram({
    name: 'tumulte_ingest_batch_size',
    help: 'Inbound events committed per database transaction',
    buckets: [1, 2, 5, 10, 25, 50, 100, 256],
    registers: [this.registry],
  });

  readonly httpRequests = new Counter({
    name: 'tumulte_http_requests_total',
    help: 'HTTP requests by route pattern and status code',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tumulte_' });
  }

  reject(code: string, source: RejectSource): void {
    this.rejects.inc({ code, source });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
