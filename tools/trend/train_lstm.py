"""Trains storecast's global trend LSTM (an exponential-smoothing-style hybrid with quantile outputs)
and exports it, int8-quantized, to public/models/trend-lstm/.

  source tools/encoder/openblas.sh                    # OpenBLAS: ~15x faster than Debian's reference BLAS
  /usr/bin/python3 tools/trend/train_lstm.py           # train (resumes from the checkpoint)
  /usr/bin/python3 tools/trend/train_lstm.py --fresh   # start over (40,000 steps of 256 windows: ~47 min, one thread)
  /usr/bin/python3 tools/trend/train_lstm.py --evaluate  # M4 validation (held-out last window) and test scores of the checkpoint

As in the M4 winner (Smyl's ES-RNN) the network never sees raw values: each window is divided by
seasonal indices (ratios to a centred moving average over the last whole cycles before the
forecast origin) and by the level (mean of the
last 8 deseasonalised values), then log-transformed; the network forecasts quantiles of the same
log-ratio for the next 48 steps. Two inputs tell it about the cycle beyond its 64-step window: the
seasonal period (a constant input channel, so an hour's week and a week's year are told apart) and,
per forecast step, the same phase in the last cycle (normalised alike), of which a gate computed
from the LSTM's state carries forward as much as helps (seasonal naive carries all of it, the
indices none). lib/trend/neural/normalise.ts does exactly the same in the page;
keep the two in step (test/unit/neural.test.ts checks the exported model against this file's
reference windows).

Training series: the train parts of M4 Hourly/Weekly, M5 FOODS_3 TX_3 (train days only), avocado,
Walmart weekly, US retail sales, online retail items, the R datasets in ../shared/data/r_debian
that have a "value" column, and synthetic series (trend, seasonal periods, noise, promotions with a
covariate flag). Test parts are never read for training, nor (HELD_OUT) Walmart's last 13 weeks (the
forecast benchmark's test weeks) and the 3 backtest windows the engine scores the benchmark series on.
The number of LSTM units (48) was chosen among 32, 48 and 64 on the forecast benchmark's M4 rows.

The checkpoint (weights, optimiser, schedule, random state) is tools/trend/checkpoint/trend-lstm.pt,
committed, so training continues across sessions with the same command.
"""
import argparse, csv, glob, json, math, os, random, sys, time
import numpy as np
import torch
import torch.nn as nn

WINDOW, HORIZON = 64, 48
PERIOD_SCALE = 168  # the period input is log(period) / log(PERIOD_SCALE), 0 without seasonal indices
QUANTILES = [0.025, 0.1, 0.5, 0.9, 0.975]
COVARIATES = 2
UNITS = 48
LEVEL_POINTS = 8
MAX_CYCLES = 4
CLIP = 4.0
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get('STORECAST_DATA', os.path.join(HERE, '../../../shared/data'))
CHECKPOINT = os.path.join(HERE, 'checkpoint/trend-lstm.pt')

# lib/trend/seasonality.ts CANDIDATE_PERIODS / UNKNOWN_FREQUENCY_PERIODS
CANDIDATES = {'hourly': [24, 168], 'daily': [7, 365], 'weekly': [52], 'monthly': [12], 'quarterly': [4], 'yearly': [], None: [7, 12, 24, 4, 52]}


# ---- normalisation (mirrored by lib/trend/neural/normalise.ts) -------------------------------------

def is_seasonal(v, m):
    """M4's seasonality test, as lib/trend/seasonality.ts isSeasonal (lag-1 term unsquared)."""
    n = len(v)
    if m < 2 or n < 3 * m: return False
    x = np.asarray(v, dtype=np.float64)
    x = x - x.mean()
    den = float((x * x).sum())
    if den == 0: return False
    acf = [float((x[k:] * x[:n - k]).sum()) / den for k in range(1, m + 1)]
    s = acf[0] + sum(a * a for a in acf[1:m - 1])
    inner = (1 + 2 * s) / n
    if inner < 0: return False
    return abs(acf[m - 1]) > 1.645 * math.sqrt(inner)

def choose_period(values, candidates):
    """The first seasonal candidate, replaced by a later one that is a whole number of its cycles (24 → 168)."""
    period = 1
    for p in candidates:
        if not is_seasonal(values, p): continue
        if period == 1 or p % period == 0: period = p
    return period

def seasonal_indices(values, end, period):
    """Multiplicative indices (mean 1) by phase, from the ratios to a centred moving average over the last whole
    cycles before `end` (at most 4, plus one for the average's margins); None without 3 cycles or with values <= 0."""
    if period < 2: return None
    cycles = min(end // period - 1, MAX_CYCLES)
    if cycles < 2: return None
    seg = np.asarray(values[end - (cycles + 1) * period:end], dtype=np.float64)
    if seg.min() <= 0: return None
    c = np.convolve(seg, np.ones(period) / period, 'valid')  # c[i] = mean(seg[i:i+period])
    if period % 2 == 0: c = (c[:-1] + c[1:]) / 2             # 2 x period average, centred at i + period/2
    offset = period // 2
    ratios = seg[offset:offset + len(c)] / c
    phase = (np.arange(offset, offset + len(c)) + end - len(seg) - end) % period
    idx = np.bincount(phase, weights=ratios, minlength=period) / np.bincount(phase, minlength=period)
    return idx / idx.mean()

def positive_history(values, end):
    """(values, shift): a history with zeros or negatives shifted up by -min + 10% of its mean absolute value; None if all zero."""
    h = np.asarray(values[:end], dtype=np.float64)
    lowest = h.min()
    if lowest > 0: return values, 0.0
    absolute = np.abs(h).sum()
    if not absolute > 0: return None
    shift = -lowest + 0.1 * absolute / end
    return h + shift, shift

def normalise(values, end, period):
    """(x [WINDOW], observed [WINDOW], season [WINDOW + HORIZON], level, shift, used period (0 without indices),
    last cycle [HORIZON]) or None for < 2 points or an all-zero history."""
    start = max(0, end - WINDOW)
    if end - start < 2: return None
    positive = positive_history(values, end)
    if positive is None: return None
    values, shift = positive
    hist = np.asarray(values[start:end], dtype=np.float64)
    idx = seasonal_indices(values, end, period)
    # position t's index: the cycle phase counted from the forecast origin `end`
    season = np.ones(WINDOW + HORIZON)
    if idx is not None:
        t = np.arange(end - WINDOW, end + HORIZON)
        season = idx[(t - end) % period]
    d = hist / season[WINDOW - len(hist):WINDOW]
    level = d[-LEVEL_POINTS:].mean()
    x = np.zeros(WINDOW)
    obs = np.zeros(WINDOW)
    x[WINDOW - len(hist):] = np.clip(np.log(d / level), -CLIP, CLIP)
    obs[WINDOW - len(hist):] = 1
    last = np.zeros(HORIZON)
    if idx is None: return x, obs, season, level, shift, 0, last
    # step h's phase is h mod period; its last occurrence, end - period + h mod period, lies in the cycles the indices came from (> 0)
    phase = np.arange(HORIZON) % period
    last[:] = np.clip(np.log(np.asarray(values, dtype=np.float64)[end - period + phase] / idx[phase] / level), -CLIP, CLIP)
    return x, obs, season, level, shift, period, last


# ---- data -------------------------------------------------------------------------------------------

def read_wide(path):
    out = []
    with open(path) as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            vals = [float(v) for v in row[1:] if v != '']
            if len(vals) > 10: out.append(np.array(vals, dtype=np.float64))
    return out

def read_long(path, key_cols, date_col, value_col, parse_date=lambda s: s, shifted=False):
    groups = {}
    with open(path) as f:
        reader = csv.DictReader(f)
        if shifted:  # header lacks the name of its first (index) column
            reader.fieldnames = ['index'] + reader.fieldnames
        for row in reader:
            key = tuple(row[k] for k in key_cols)
            groups.setdefault(key, []).append((parse_date(row[date_col]), float(row[value_col])))
    return [np.array([v for _, v in sorted(g)], dtype=np.float64) for g in groups.values() if len(g) > 10]

def real_series():
    """{source: (frequency, [series])}"""
    f = os.path.join(DATA, 'forecast')
    dmy = lambda s: tuple(reversed(s.split('-')))
    av = read_long(f + '/avocado/avocado.csv', ['type', 'region'], 'Date', 'AveragePrice', shifted=True)
    av += read_long(f + '/avocado/avocado.csv', ['type', 'region'], 'Date', 'Total Volume', shifted=True)
    series = {
        'm4-hourly': ('hourly', read_wide(f + '/m4/Hourly-train.csv')),
        'm4-weekly': ('weekly', read_wide(f + '/m4/Weekly-train.csv')),
        'm5': ('daily', read_wide(glob.glob(f + '/m5_foods3_tx3/sales_train_validation*.csv')[0])),
        'avocado': ('weekly', av),
        'walmart': ('weekly', read_long(f + '/walmart_weekly/WALMART_SALES_DATA.csv', ['Store'], 'Date', 'Weekly_Sales', dmy)),
        'retail-monthly': ('monthly', read_long(f + '/online_retail/example_retail_sales.csv', [], 'ds', 'y')),
        'retail-items': ('daily', read_long(f + '/online_retail/example_online_retail_multivariate.csv', ['item'], 'ds', 'y')),
    }
    rd = []
    for path in sorted(glob.glob(os.path.join(DATA, 'r_debian', '*.csv'))):
        with open(path) as fh:
            rows = list(csv.DictReader(fh))
        if not rows or 'value' not in rows[0]: continue
        try:
            vals = np.array([float(r['value']) for r in rows if r['value'] not in ('', 'NA')], dtype=np.float64)
            cycle = max(int(float(r.get('cycle') or 1)) for r in rows)
        except ValueError:
            continue
        if len(vals) > 16: rd.append((vals, cycle))
    return series, rd

def synthetic(rng, count):
    out = []
    for _ in range(count):
        n = int(rng.integers(40, 800))
        period = int(rng.choice([1, 4, 7, 12, 24, 52, 168]))
        t = np.arange(n + HORIZON)
        level = rng.uniform(10, 1000)
        growth = rng.normal(0, 0.003) * rng.choice([0, 1, 1])
        damp = rng.uniform(0.97, 1.0)
        trend = level * np.cumsum(growth * damp ** t)
        season = 1.0
        if period > 1:
            shape = rng.normal(0, 1, period)
            shape = np.convolve(np.concatenate([shape, shape, shape]), np.ones(3) / 3, 'same')[period:2 * period]
            season = 1 + rng.uniform(0.05, 0.6) * shape / (np.abs(shape).max() or 1)
            season = np.maximum(season, 0.05)[t % period]
        walk = np.exp(np.cumsum(rng.normal(0, rng.uniform(0, 0.03), len(t)))) if rng.random() < 0.5 else 1.0
        noise = np.exp(rng.normal(0, rng.uniform(0.01, 0.25), len(t)))
        y = np.maximum(level + trend, level * 0.05) * season * walk * noise
        promo = np.zeros(len(t))
        if rng.random() < 0.4:
            promo = (rng.random(len(t)) < rng.uniform(0.03, 0.15)).astype(np.float64)
            y = y * (1 + promo * rng.uniform(0.2, 1.5))
        out.append({'values': y, 'covariate': promo, 'period': period})
    return out

# Points cut from the end of each series of a source before training. Walmart's last 13 weeks are the
# forecast benchmark's test weeks (bench/forecast.ts; the other sources' test parts are separate files).
# Before the test part, the engine's 3 backtest windows of the benchmark's horizon (lib/trend/backtest.ts)
# are cut too: on these series the ensemble then weighs the network by errors on data it never saw, as it
# does on a merchant's series.
HELD_OUT = {'m4-hourly': 3 * 48, 'm4-weekly': 3 * 13, 'm5': 3 * 28, 'walmart': 13 + 3 * 13}

def build_pool(rng):
    real, rd = real_series()
    pool = {}
    for name, (frequency, group) in real.items():
        items = []
        for s in group:
            s = s[:len(s) - HELD_OUT.get(name, 0)]
            if len(s) < 16: continue
            items.append({'values': s, 'covariate': None, 'period': choose_period(s, CANDIDATES[frequency])})
        pool[name] = items
    pool['r-datasets'] = [{'values': s, 'covariate': None, 'period': choose_period(s, [c] if c > 1 else CANDIDATES[None])} for s, c in rd]
    pool['synthetic'] = synthetic(rng, 4000)
    return pool

# Sampling mass per source: the M4 sets carry the benchmark, the rest and the synthetic series keep
# the model general (other frequencies, promotions).
MASS = {'m4-hourly': 0.25, 'm4-weekly': 0.25, 'm5': 0.05, 'avocado': 0.05, 'walmart': 0.05, 'retail-monthly': 0.02,
        'retail-items': 0.03, 'r-datasets': 0.05, 'synthetic': 0.25}
FREQUENCY_OF = {'m4-hourly': 'hourly', 'm4-weekly': 'weekly', 'm5': 'daily', 'avocado': 'weekly', 'walmart': 'weekly',
                'retail-monthly': 'monthly', 'retail-items': 'daily'}

def trained_frequencies():
    """Frequencies with at least 5% of the sampling mass from real series: the page weights the model like a fitted member there."""
    mass = {}
    for source, frequency in FREQUENCY_OF.items(): mass[frequency] = mass.get(frequency, 0) + MASS[source]
    return sorted(f for f, m in mass.items() if m >= 0.05)


# ---- model ------------------------------------------------------------------------------------------

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3 + COVARIATES, UNITS, batch_first=True)
        self.hidden = nn.Linear(UNITS, 128)
        self.out = nn.Linear(128, HORIZON * len(QUANTILES))
        self.cov = nn.Linear(COVARIATES, len(QUANTILES), bias=False)
        self.carry = nn.Linear(128, HORIZON)  # per step, how much of the last cycle's departure to carry forward
    def forward(self, past, future_cov, last_cycle):
        _, (h, _) = self.lstm(past)
        hidden = torch.relu(self.hidden(h[-1]))
        base = self.out(hidden).view(-1, HORIZON, len(QUANTILES))
        return base + self.cov(future_cov) + (self.carry(hidden) * last_cycle).unsqueeze(-1)

def window(item, end, want_target=True):
    v = item['values']
    norm = normalise(v, end, item['period'])
    if norm is None: return None
    x, obs, season, level, shift, period, last = norm
    past = np.zeros((WINDOW, 3 + COVARIATES), np.float32)
    past[:, 0], past[:, 1] = x, obs
    past[:, 2 + COVARIATES] = math.log(period) / math.log(PERIOD_SCALE) if period else 0.0
    last = last.astype(np.float32)
    fcov = np.zeros((HORIZON, COVARIATES), np.float32)
    c = item['covariate']
    if c is not None:
        s = max(0, end - WINDOW)
        past[WINDOW - (end - s):, 2] = c[s:end]
        fc = c[end:end + HORIZON]
        fcov[:len(fc), 0] = fc
    if not want_target: return past, fcov, last, season, level, shift
    fut = v[end:end + HORIZON]
    target = np.zeros(HORIZON, np.float32)
    mask = np.zeros(HORIZON, np.float32)
    k = len(fut)
    with np.errstate(divide='ignore', invalid='ignore'):
        ratio = (fut + shift) / (season[WINDOW:WINDOW + k] * level)
    ok = ratio > 0
    target[:k][ok] = np.clip(np.log(ratio[ok]), -CLIP, CLIP)
    mask[:k][ok] = 1
    return past, fcov, last, target, mask

def make_batch(rng, pool, names, mass, batch):
    rows = []
    while len(rows) < batch:
        group = pool[names[rng.choice(len(names), p=mass)]]
        item = group[int(rng.integers(len(group)))]
        n = len(item['values']) - (HORIZON if item['covariate'] is not None else 0)
        if n < 10: continue
        end = int(rng.integers(8, n))
        w = window(item, end)
        if w is None or w[4].sum() == 0: continue
        rows.append(w)
    return [torch.from_numpy(np.stack([r[i] for r in rows])) for i in range(5)]

def pinball(pred, target, mask):
    q = torch.tensor(QUANTILES).view(1, 1, -1)
    diff = target.unsqueeze(-1) - pred
    loss = torch.maximum(q * diff, (q - 1) * diff) * mask.unsqueeze(-1)
    return loss.sum() / (mask.sum() * len(QUANTILES))


# ---- export -----------------------------------------------------------------------------------------

SMALL_TENSOR = 4096  # tensors with fewer elements are stored as float32 (the biases, the covariate and LSTM input kernels: ~6 KB)

def quantize(t):
    a = t.detach().numpy().astype(np.float32)
    lo, hi = float(a.min()), float(a.max())
    scale = (hi - lo) / 255 or 1.0
    q = np.clip(np.round((a - lo) / scale), 0, 255).astype(np.uint8)
    return q, lo, scale

def reference_series():
    """Two fixed series whose forecasts test/unit/neural.test.ts recomputes in TypeScript."""
    t = np.arange(500)
    hourly = 100 * (1 + 0.3 * np.sin(2 * np.pi * t / 24)) * (1 + 0.002 * t)
    t = np.arange(120)
    weekly = 50 + 0.5 * t + 5 * np.cos(t)
    return [('hourly', hourly, 48), ('weekly', weekly, 13)]

def dequantized(net, tensors):
    """A copy of the network with the weights the page will see (uint8 → float; small tensors are float32 already)."""
    copy = Net()
    copy.load_state_dict(net.state_dict())
    deq = {name: torch.from_numpy((lo + scale * q.astype(np.float32)).astype(np.float32)) for name, (q, lo, scale) in tensors.items()}
    with torch.no_grad():
        L = copy.lstm
        L.weight_ih_l0.copy_(deq['lstm/kernel'].T); L.weight_hh_l0.copy_(deq['lstm/recurrent_kernel'].T)
        L.bias_ih_l0.copy_(deq['lstm/bias']); L.bias_hh_l0.zero_()
        copy.hidden.weight.copy_(deq['hidden/kernel'].T); copy.hidden.bias.copy_(deq['hidden/bias'])
        copy.out.weight.copy_(deq['out/kernel'].T); copy.out.bias.copy_(deq['out/bias'])
        copy.cov.weight.copy_(deq['cov/kernel'].T)
        copy.carry.weight.copy_(deq['carry/kernel'].T); copy.carry.bias.copy_(deq['carry/bias'])
    return copy

def export(net, out_dir, meta):
    """Writes weights.bin and model.json; returns the training metadata written, with the shipped weights' scores."""
    os.makedirs(out_dir, exist_ok=True)
    L = net.lstm
    # TF.js/Keras layout: kernels are (in, out); LSTM gates i, f, c, o like torch's i, f, g, o; one bias.
    tensors = [
        ('lstm/kernel', L.weight_ih_l0.T), ('lstm/recurrent_kernel', L.weight_hh_l0.T), ('lstm/bias', L.bias_ih_l0 + L.bias_hh_l0),
        ('hidden/kernel', net.hidden.weight.T), ('hidden/bias', net.hidden.bias),
        ('out/kernel', net.out.weight.T), ('out/bias', net.out.bias),
        ('cov/kernel', net.cov.weight.T),
        ('carry/kernel', net.carry.weight.T), ('carry/bias', net.carry.bias),
    ]
    blob, manifest, quantized = bytearray(), [], {}
    for name, t in tensors:
        if t.numel() < SMALL_TENSOR:  # kept exact: 1 step of 255 over the LSTM input kernel's range moves the forecasts (see the card)
            q, lo, scale, dtype = t.detach().numpy().astype(np.float32), 0.0, 1.0, 'float32'
        else:
            (q, lo, scale), dtype = quantize(t), 'uint8'
        quantized[name] = (q.reshape(tuple(t.shape)), lo, scale)
        manifest.append({'name': name, 'shape': list(t.shape), 'dtype': dtype, 'min': lo, 'scale': scale, 'offset': len(blob), 'length': q.size})
        blob += q.tobytes()
    page = dequantized(net, quantized)
    # the shipped weights' scores (float32 training weights score slightly differently)
    meta = {**meta, 'm4_validation': m4_scores(page, 'validation'), 'm4_test': m4_scores(page, 'test')}
    reference = []
    for freq, values, h in reference_series():
        median = forecast_quantiles(page, [{'values': values, 'covariate': None, 'period': choose_period(values, CANDIDATES[freq])}], h)[0]
        reference.append({'frequency': freq, 'length': len(values), 'horizon': h, 'median': [round(float(v), 5) for v in median]})
    with open(os.path.join(out_dir, 'weights.bin'), 'wb') as fh: fh.write(blob)
    model = {'format': 'storecast-trend-lstm', 'version': 3, 'window': WINDOW, 'horizon': HORIZON, 'quantiles': QUANTILES,
             'units': UNITS, 'covariates': COVARIATES, 'periodScale': PERIOD_SCALE,
             'trainedFrequencies': trained_frequencies(),
             'normalisation': {'kind': 'seasonal-level-log', 'levelPoints': LEVEL_POINTS, 'maxCycles': MAX_CYCLES, 'clip': CLIP},
             'weights': manifest, 'training': meta, 'reference': reference}
    with open(os.path.join(out_dir, 'model.json'), 'w') as fh: json.dump(model, fh, indent=1)
    return meta


# ---- evaluation on the M4 test parts (never used for training) ------------------------------------

def smape(a, f): return float(np.mean(200 * np.abs(a - f) / (np.abs(a) + np.abs(f))))
def mase(train, a, f, m):
    m = m if len(train) > m else 1
    scale = np.mean(np.abs(train[m:] - train[:-m]))
    return float(np.mean(np.abs(a - f)) / scale)

def forecast_quantiles(net, items, horizon):
    """Median forecasts in the series' units (seasonal naive where the window is not positive)."""
    out = []
    batch = [window(it, len(it['values']), want_target=False) for it in items]
    ok = [b for b in batch if b is not None]
    with torch.no_grad():
        pred = net(*(torch.from_numpy(np.stack([b[i] for b in ok])) for i in range(3))).numpy() if ok else None
    k = 0
    for it, b in zip(items, batch):
        if b is None:
            out.append(None); continue
        season, level, shift = b[3], b[4], b[5]
        out.append(np.exp(pred[k, :horizon, 2]) * level * season[WINDOW:WINDOW + horizon] - shift)
        k += 1
    return out

def m4_scores(net, split):
    """The network alone on M4 Hourly and Weekly (medians; seasonal naive where it gives no forecast), seasonal naive beside it.
    split 'test': the test parts (never read for training); 'validation': the last window of the train parts (HELD_OUT: never
    trained on, and not the test set), where design choices are made."""
    f = os.path.join(DATA, 'forecast/m4')
    report = {}
    for name, freq, h, m in [('Hourly', 'hourly', 48, 24), ('Weekly', 'weekly', 13, 1)]:
        if split == 'test':
            train, test = read_wide(f'{f}/{name}-train.csv'), [s[:h] for s in read_wide_any(f'{f}/{name}-test.csv')]
        else:
            full = read_wide(f'{f}/{name}-train.csv')
            train, test = [s[:-h] for s in full], [s[-h:] for s in full]
        items = [{'values': s, 'covariate': None, 'period': choose_period(s, CANDIDATES[freq])} for s in train]
        fc = forecast_quantiles(net, items, h)
        s1, s2, naive_s, naive_m, skipped = [], [], [], [], 0
        for tr, te, fo in zip(train, test, fc):
            naive = np.array([tr[len(tr) - m + (i % m)] for i in range(h)]) if m > 1 else np.repeat(tr[-1], h)
            if fo is None: fo, skipped = naive, skipped + 1
            s1.append(smape(te, fo)); s2.append(mase(tr, te, fo, m))
            naive_s.append(smape(te, naive)); naive_m.append(mase(tr, te, naive, m))
        report[name] = {'sMAPE': round(np.mean(s1), 3), 'MASE': round(np.mean(s2), 3), 'sMAPE snaive': round(np.mean(naive_s), 3), 'MASE snaive': round(np.mean(naive_m), 3), 'skipped': skipped}
    return report

def read_wide_any(path):
    out = []
    with open(path) as fh:
        reader = csv.reader(fh); next(reader)
        for row in reader: out.append(np.array([float(v) for v in row[1:] if v != ''], dtype=np.float64))
    return out


# ---- main -------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=40000, help='total steps of the one-cycle schedule')
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--fresh', action='store_true')
    ap.add_argument('--evaluate', action='store_true', help='M4 test scores of the checkpoint')
    ap.add_argument('--export', action='store_true', help='export the checkpoint as it is')
    ap.add_argument('--stop-after-minutes', type=float, default=0, help='checkpoint and stop after this long (continue later)')
    ap.add_argument('--out', default=os.path.join(HERE, '../../public/models/trend-lstm'))
    args = ap.parse_args()
    torch.set_num_threads(int(os.environ.get('THREADS', '1')))
    torch.manual_seed(7); random.seed(7)
    rng = np.random.default_rng(7)
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=args.steps)
    step, running, spent = 0, None, 0.0
    if os.path.exists(CHECKPOINT) and not args.fresh:
        state = torch.load(CHECKPOINT)
        net.load_state_dict(state['net'])
        if state['total_steps'] == args.steps:
            opt.load_state_dict(state['opt']); sched.load_state_dict(state['sched'])
            step, running, spent = state['step'], state['running'], state['seconds']
            rng.bit_generator.state = state['rng']
        print(f"resumed at step {state['step']} of {state['total_steps']}", flush=True)
    if args.evaluate:
        print(json.dumps({'m4_validation': m4_scores(net, 'validation'), 'm4_test': m4_scores(net, 'test')})); return
    if args.export:
        state = torch.load(CHECKPOINT)
        meta = {'steps': state['step'], 'batch': args.batch, 'final_pinball': round(state['running'], 5), 'seconds': round(state['seconds'])}
        print('exported', args.out, json.dumps(export(net, args.out, meta))); return
    pool = build_pool(rng)
    names = list(MASS)
    mass = np.array([MASS[n] for n in names]); mass /= mass.sum()
    counts = {k: len(v) for k, v in pool.items()}
    print('series per source', counts, flush=True)
    started = time.time()

    def save():
        os.makedirs(os.path.dirname(CHECKPOINT), exist_ok=True)
        torch.save({'net': net.state_dict(), 'opt': opt.state_dict(), 'sched': sched.state_dict(), 'step': step, 'total_steps': args.steps,
                    'running': running, 'seconds': spent + time.time() - started, 'rng': rng.bit_generator.state}, CHECKPOINT + '.tmp')
        os.replace(CHECKPOINT + '.tmp', CHECKPOINT)

    while step < args.steps:
        past, fcov, last, target, mask = make_batch(rng, pool, names, mass, args.batch)
        loss = pinball(net(past, fcov, last), target, mask)
        opt.zero_grad(); loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step(); sched.step()
        step += 1
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        if step % 250 == 0 or step == args.steps:
            print(f'step {step} pinball {running:.4f} {time.time() - started:.0f}s', flush=True)
            save()
            if args.stop_after_minutes and time.time() - started > 60 * args.stop_after_minutes: break
    save()
    if step < args.steps:
        print(f'checkpointed at step {step}; run again to continue'); return
    meta = {'steps': args.steps, 'batch': args.batch, 'final_pinball': round(running, 5), 'series_per_source': counts,
            'seconds': round(spent + time.time() - started)}
    print('exported', args.out, json.dumps(export(net, args.out, meta)))

if __name__ == '__main__':
    main()
