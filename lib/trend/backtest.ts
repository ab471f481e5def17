/** Rolling-origin backtest windows: the last `holdout` points, then the ones before, while half the series stays. */
const BACKTEST_WINDOWS = 3;

/** Points held out per backtest window: the horizon, at most a quarter of the series, none when < 8 would remain. */
export function backtestLength(n: number, horizon: number): number {
  const length = Math.min(horizon, Math.floor(n / 4));
  return n - length >= 8 ? length : 0;
}

/** Where each backtest window starts (the history ends there), latest first. */
export function backtestOrigins(n: number, holdout: number, windows = BACKTEST_WINDOWS): number[] {
  const origins: number[] = [];
  for (let k = 1; holdout && k <= windows; k++) {
    const origin = n - k * holdout;
    if (k > 1 && origin < Math.max(8, n / 2)) break;
    origins.push(origin);
  }
  return origins;
}

export function meanAbsoluteError(actual: ArrayLike<number>, forecast: number[]): number {
  let s = 0;
  for (let i = 0; i < forecast.length; i++) s += Math.abs(actual[i] - forecast[i]);
  return s / forecast.length;
}

/**
 * Ensemble weights from backtest errors. `windowErrors[w][i]` is member i's mean absolute error on
 * window w (undefined where it did not forecast that window; window 0 is the latest).
 *
 * Mean absolute error over all windows: one window of h points is a noisy judge of a member.
 * Parameters stay frozen at their fit up to the latest origin, so the earlier windows are partly
 * in-sample (refitting per window would triple the cost); the latest one is not. A member with
 * fewer windows gets its own error there, scaled by how the best full member's error over all
 * windows compares with its error on those. Zero-shot members join only where their error over
 * the windows is no larger than the best fitted member's: one window of h points is too little
 * evidence for a member trained on other series, and the fitted members' earlier windows being
 * partly in-sample only makes the test stricter. Inverse squared-error weights (as in Bates & Granger's
 * combinations): a member clearly worse on the backtest gets little say; members more than twice
 * as wrong as the best get none.
 */
export function backtestWeights(windowErrors: Array<Array<number | undefined>>, zeroShot: boolean[]): number[] {
  const count = zeroShot.length;
  if (!windowErrors.length || count === 1) return new Array(count).fill(1 / count);
  const complete = (i: number): boolean => windowErrors.every((w) => w[i] !== undefined);
  const average = (i: number, windows: number): number => {
    let s = 0;
    for (let w = 0; w < windows; w++) s += windowErrors[w][i]!;
    return s / windows;
  };
  const full = Array.from({ length: count }, (_, i) => (complete(i) ? average(i, windowErrors.length) : NaN));
  const errors = full.map((e, i) => {
    if (!Number.isNaN(e)) return e;
    const windows = windowErrors.findIndex((w) => w[i] === undefined);
    if (windows <= 0) return Infinity;
    const reference = full.reduce((best, v, j) => (!Number.isNaN(v) && (best < 0 || v < full[best]) ? j : best), -1);
    const own = average(i, windows);
    return reference < 0 ? own : own * (full[reference] / (average(reference, windows) || 1e-12));
  });
  const fittedBest = Math.min(...errors.filter((e, i) => !zeroShot[i] && Number.isFinite(e)));
  const admitted = errors.map((e, i) => Number.isFinite(e) && (!zeroShot[i] || !Number.isFinite(fittedBest) || e <= fittedBest));
  const best = Math.min(...errors.filter((_, i) => admitted[i]));
  const raw = errors.map((e, i) => (admitted[i] && e <= 2 * best + 1e-12 ? 1 / (e + 1e-9 + best * 0.05) ** 2 : 0));
  const total = raw.reduce((a, b) => a + b, 0);
  return total > 0 ? raw.map((w) => w / total) : new Array(count).fill(1 / count);
}
