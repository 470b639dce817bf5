/**
 * Down-sampling of long series: the points are cut into buckets and each bucket keeps its lowest
 * and highest point (in x order), so spikes survive, which keeping every k-th point would lose.
 * The first and last points are always kept.
 */
export function downsample(x: number[], y: (number | null)[], maxPoints: number): { x: number[]; y: (number | null)[] } {
  const n = x.length;
  if (n <= maxPoints || maxPoints < 4) return { x, y };
  const buckets = Math.floor((maxPoints - 2) / 2);
  const size = (n - 2) / buckets;
  const keep: number[] = [0];
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor(b * size);
    const end = Math.min(n - 1, 1 + Math.floor((b + 1) * size));
    let lo = -1;
    let hi = -1;
    for (let i = start; i < end; i++) {
      const v = y[i];
      if (v === null || v === undefined) continue;
      if (lo < 0 || v < (y[lo] as number)) lo = i;
      if (hi < 0 || v > (y[hi] as number)) hi = i;
    }
    if (lo < 0) {
      if (start < end) keep.push(start);
    } else if (lo === hi) keep.push(lo);
    else keep.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  keep.push(n - 1);
  return { x: keep.map((i) => x[i]!), y: keep.map((i) => y[i] ?? null) };
}
