// How many workers share a training batch (issue 18): `?workers=N` in the address (1 = one
// training worker, as before; at most MAX_WORKERS), else the machine's logical cores
// (navigator.hardwareConcurrency) up to DEFAULT_CAP — more rarely pays, since the engine splits
// a batch into at most 8 shards (src/train/shard.rs) and the page's thread needs a core too.
// The number never changes the results, only who computes them. Asked for with `?workers=N`,
// every batch of more than one shard is shared (to measure and test sharing on any model);
// otherwise only batches the engine finds worth sharing (src/train/shard.rs, MIN_SHARD_WORK).

/** The most workers `?workers=N` may ask for: one per shard of the largest split. */
export const MAX_WORKERS = 8;
/** The most workers chosen without `?workers=`. */
export const DEFAULT_CAP = 4;

/**
 * The workers to ask for, from the page's address and the number of logical cores:
 * `{workers, always}`, `always` when the address asked (share every batch that splits).
 */
export function workerChoice(href, cores) {
  const m = /[?&]workers=([^&]*)/.exec((href ?? '').split('#')[0]);
  if (m) {
    const n = Number(m[1]);
    if (Number.isInteger(n) && n >= 1) return { workers: Math.min(n, MAX_WORKERS), always: true };
  }
  const c = Number.isInteger(cores) && cores >= 1 ? cores : 1;
  return { workers: Math.min(c, DEFAULT_CAP), always: false };
}
