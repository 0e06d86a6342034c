// Redraw scheduling for one playground: parts are marked dirty (`invalidate`) and drawn once per
// animation frame (`flush`); while training, each frame has a budget and the stalest parts go
// first, so one frame never does everything at once.
//
// Each part's drawing time is remembered (the last one, or a slowly decaying longer one), and a
// budgeted frame leaves a part for the next frame when its expected time would not fit: checking
// the clock only before each part let one frame start two slow parts (the first frame after Play
// drew the state inspector and the debugger together, 25–35 ms of script, then the browser's
// restyle and paint on top: tasks over 50 ms).

/**
 * @param {object} o
 * @param {Record<string, () => void>} o.painters one function per part
 * @param {() => boolean} o.playing whether the training loop drives the frames
 * @param {() => boolean} o.broken whether the engine is down (nothing is drawn then)
 * @param {(e: Error) => void} o.onError a painter threw
 * @param {() => number} [o.now] the clock (performance.now)
 * @param {(fn: () => void) => number} [o.raf] requestAnimationFrame
 */
export function createRedraw({ painters, playing, broken, onError, now = () => performance.now(), raf = (f) => requestAnimationFrame(f) }) {
  const dirty = new Set();
  const lastDrawn = Object.fromEntries(Object.keys(painters).map((k) => [k, 0]));
  /** Expected drawing time per part (ms); 0 until it was drawn once. */
  const cost = Object.fromEntries(Object.keys(painters).map((k) => [k, 0]));
  let scheduled = 0;

  function invalidate(...parts) {
    for (const p of parts) dirty.add(p);
    if (!scheduled && !playing()) {
      scheduled = raf(() => { scheduled = 0; flush(); });
    }
  }

  /**
   * Draws the dirty parts. With a budget (while training), the stalest parts go first; a part
   * whose expected time no longer fits waits for the next frame (where, being the stalest, it
   * goes first), except the metrics, which every frame draws (the epoch counter). The first
   * part of a frame is always drawn, so nothing waits forever; the state inspector refreshes
   * about 8 times a second then.
   */
  function flush({ start = now(), budgetMs = Infinity } = {}) {
    if (broken()) return;
    const order = [...dirty].sort((a, b) => lastDrawn[a] - lastDrawn[b]);
    let drew = 0;
    for (const part of order) {
      const t = now();
      if (part === 'state' && budgetMs !== Infinity && t - lastDrawn.state < 120) continue;
      if (drew > 0 && part !== 'metrics' && t - start + cost[part] > budgetMs) continue;
      dirty.delete(part);
      lastDrawn[part] = t;
      try {
        painters[part]();
      } catch (e) {
        if (!broken()) onError(e);
      }
      const took = now() - t;
      // A slow draw counts at once; a fast one lowers the expectation gradually (one slow
      // frame, a collection or a first compile, is not forgotten at the next quick one).
      cost[part] = took >= cost[part] ? took : 0.7 * cost[part] + 0.3 * took;
      drew += 1;
    }
  }

  return { invalidate, flush, expected: (part) => cost[part] };
}
