/**
 * How many of a push's parts (one per node) are built at once: each draws a chart, which resvg
 * shapes off the event loop (renderWeekChart), so two keep both cores of a small server busy
 * without a hundred counties' charts queued on the thread pool at once.
 */
export const CHARTS_AT_ONCE = 2;

/** `fn` over `items`, at most `limit` at a time, the results in the items' order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
