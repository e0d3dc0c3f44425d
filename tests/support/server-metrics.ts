// Reads the server's Prometheus metrics (`GET /metrics`): how many inbound events this process stored, refused…
/** The sum of a counter's samples whose labels include all of `labels`. */
export async function counter(baseUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^(\w+)(?:\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((label) => [label[1], label[2]] as const),
    );
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) total += Number(match[3]);
  }
  return total;
}

/** Inbound module events this server process stored (`tumulte_vtt_events_total{result="stored"}`). */
export const storedEvents = (baseUrl: string) => counter(baseUrl, 'tumulte_vtt_events_total', { result: 'stored' });
