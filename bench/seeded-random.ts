/** A small seeded generator (mulberry32), so that a benchmark run can be repeated with BENCH_SEED. */
export function seededRandom(initial: number): () => number {
  let state = initial;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
