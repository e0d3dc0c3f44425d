import { onMounted, onUnmounted } from 'vue';

/**
 * Runs `task` now and again `intervalMs()` after each run ends, while the component is mounted (the interval
 * can change: fast while a poll runs, slow otherwise). Runs never overlap.
 */
export function useRefresh(task: () => Promise<void>, intervalMs: () => number): { refresh: () => Promise<void> } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let active = false;
  let running: Promise<void> | null = null;

  const run = async () => {
    clearTimeout(timer);
    running ??= task().finally(() => {
      running = null;
    });
    await running;
    if (active) {
      clearTimeout(timer);
      timer = setTimeout(run, intervalMs());
    }
  };

  onMounted(() => {
    active = true;
    void run();
  });
  onUnmounted(() => {
    active = false;
    clearTimeout(timer);
  });
  return { refresh: run };
}
