import { nelderMead, sigmoid, logit } from '../optimize.js';
import type { MemberForecast } from '../types.js';

/**
 * Optimised Theta method (Fiorucci et al. 2016): the theta line Z = θy + (1-θ)(A + Bt) is smoothed
 * by SES and recombined with the linear trend. θ = 2 is the classic Theta of the M3 competition;
 * here θ ∈ [1, 5] and α are chosen by in-sample one-step MSE.
 */
export interface ThetaFit { theta: number; alpha: number }

function regression(y: ArrayLike<number>): { intercept: number; slope: number } {
  const n = y.length;
  const tMean = (n + 1) / 2;
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += y[i] / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (i + 1 - tMean) * (y[i] - yMean);
    den += (i + 1 - tMean) ** 2;
  }
  const slope = den ? num / den : 0;
  return { intercept: yMean - slope * tMean, slope };
}

/** `line`: the regression of y on time (it does not depend on the parameters: the optimiser passes it once). */
function run(y: ArrayLike<number>, fit: ThetaFit, line = regression(y)): { sse: number; level: number; intercept: number; slope: number } {
  const { intercept, slope } = line;
  const w = 1 / fit.theta;
  let level = fit.theta * y[0] + (1 - fit.theta) * (intercept + slope);
  let sse = 0;
  for (let t = 1; t < y.length; t++) {
    const trend = intercept + slope * (t + 1);
    const forecast = (1 - w) * trend + w * level;
    sse += (y[t] - forecast) ** 2;
    const z = fit.theta * y[t] + (1 - fit.theta) * trend;
    level = fit.alpha * z + (1 - fit.alpha) * level;
  }
  return { sse, level, intercept, slope };
}

export function fitTheta(y: ArrayLike<number>): ThetaFit {
  if (y.length < 3) return { theta: 2, alpha: 0.5 };
  const decode = (x: Float64Array): ThetaFit => ({ alpha: 0.001 + 0.998 * sigmoid(x[0]), theta: 1 + 4 * sigmoid(x[1]) });
  const line = regression(y);
  const { x } = nelderMead((p) => run(y, decode(p), line).sse, [logit(0.5), logit(0.25)], { maxIterations: 120 });
  return decode(x);
}

export function thetaForecast(fit: ThetaFit, y: ArrayLike<number>, horizon: number): MemberForecast {
  const n = y.length;
  const r = run(y, fit);
  const w = 1 / fit.theta;
  const sigma = Math.sqrt(r.sse / Math.max(1, n - 3));
  const mean: number[] = [];
  const sd: number[] = [];
  for (let h = 1; h <= horizon; h++) {
    mean.push((1 - w) * (r.intercept + r.slope * (n + h)) + w * r.level);
    // SES-with-drift variance: sigma^2 (1 + (h-1) alpha^2).
    sd.push(sigma * Math.sqrt(1 + (h - 1) * fit.alpha * fit.alpha));
  }
  return { name: `theta(θ=${fit.theta.toFixed(2)})`, mean, sd };
}
