/** A small deterministic generator (xorshift32) in [0, 1): a test's random inputs are the same on every run, and a failure names a seed that reproduces it. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}
