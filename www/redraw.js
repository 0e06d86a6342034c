// Redraw scheduling for one playground: parts are marked dirty (`invalidate`) and drawn once per
// animation frame (`flush`); while training, each frame has a budget and the stalest parts go
// first, so one frame never does everything at once.

/**
 * @param {object} o
 * @param {Record<string, () => void>} o.painters one function per part
 * @param {() => boolean} o.playing whether the training loop drives the frames
 * @param {() => boolean} o.broken whether the engine is down (nothing is drawn then)
 * @param {(e: Error) => void} o.onError a painter threw
 */
export function createRedraw({ painters, playing, broken, onError }) {
  const dirty = new Set();
  const lastDrawn = Object.fromEntries(Object.keys(painters).map((k) => [k, 0]));
  let scheduled = 0;

  function invalidate(...parts) {
    for (const p of parts) dirty.add(p);
    if (!scheduled && !playing()) {
      scheduled = requestAnimationFrame(() => { scheduled = 0; flush(); });
    }
  }

  /**
   * Draws the dirty parts. With a deadline (while training), the stalest parts go first and
   * the rest wait for the next frame once the frame has used its budget; the state inspector
   * refreshes about 8 times a second then.
   */
  function flush({ start = performance.now(), budgetMs = Infinity } = {}) {
    if (broken()) return;
    const order = [...dirty].sort((a, b) => lastDrawn[a] - lastDrawn[b]);
    let drew = 0;
    for (const part of order) {
      const now = performance.now();
      if (part === 'state' && budgetMs !== Infinity && now - lastDrawn.state < 120) continue;
      if (drew > 0 && part !== 'metrics' && now - start > budgetMs) break;
      dirty.delete(part);
      lastDrawn[part] = now;
      try {
        painters[part]();
      } catch (e) {
        if (!broken()) onError(e);
      }
      drew += 1;
    }
  }

  return { invalidate, flush };
}
