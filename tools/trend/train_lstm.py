"""Trains storecast's global trend LSTM (quantile outputs) and exports it, int8-quantized, to
public/models/trend-lstm/. Run: /usr/bin/python3 tools/trend/train_lstm.py [--steps 4000]

Training series: the train parts of M4 Hourly/Weekly, M5 FOODS_3 TX_3 (train days only), avocado,
Walmart weekly, US retail sales, online retail items, the R datasets in ../shared/data/r_debian, and
synthetic series (trend, several seasonal periods, noise, intermittency, promotions with a covariate)
so the model generalises to frequencies and patterns it has not seen. Test parts are never read.
"""
import argparse, csv, glob, hashlib, json, math, os, random, sys, time
import numpy as np
import torch
import torch.nn as nn

WINDOW, HORIZON = 64, 48
QUANTILES = [0.025, 0.1, 0.5, 0.9, 0.975]
COVARIATES = 2
UNITS = 32
DATA = os.environ.get('STORECAST_DATA', os.path.join(os.path.dirname(__file__), '../../../shared/data'))

def read_wide(path, id_column=True, limit=None):
    out = []
    with open(path) as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            vals = [float(v) for v in row[1 if id_column else 0:] if v != '']
            if len(vals) > 10: out.append(np.array(vals, dtype=np.float32))
            if limit and len(out) >= limit: break
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
    return [np.array([v for _, v in sorted(g)], dtype=np.float32) for g in groups.values() if len(g) > 10]

def real_series():
    series = {}
    f = os.path.join(DATA, 'forecast')
    series['m4-hourly'] = read_wide(f + '/m4/Hourly-train.csv')
    series['m4-weekly'] = read_wide(f + '/m4/Weekly-train.csv')
    series['m5'] = read_wide(glob.glob(f + '/m5_foods3_tx3/sales_train_validation*.csv')[0])
    av = read_long(f + '/avocado/avocado.csv', ['type', 'region'], 'Date', 'AveragePrice', shifted=True)
    av += read_long(f + '/avocado/avocado.csv', ['type', 'region'], 'Date', 'Total Volume', shifted=True)
    series['avocado'] = av
    dmy = lambda s: tuple(reversed(s.split('-')))
    series['walmart'] = read_long(f + '/walmart_weekly/WALMART_SALES_DATA.csv', ['Store'], 'Date', 'Weekly_Sales', dmy)
    series['retail'] = read_long(f + '/online_retail/example_retail_sales.csv', [], 'ds', 'y')
    series['retail'] += read_long(f + '/online_retail/example_online_retail_multivariate.csv', ['item'], 'ds', 'y')
    rd = []
    for path in glob.glob(os.path.join(DATA, 'r_debian', '*.csv')):
        with open(path) as fh:
            rows = list(csv.DictReader(fh))
        if rows and 'value' in rows[0]:
            try: rd.append(np.array([float(r['value']) for r in rows if r['value'] not in ('', 'NA')], dtype=np.float32))
            except ValueError: pass
    series['r-datasets'] = [s for s in rd if len(s) > 16]
    return series

def synthetic(rng, count):
    out = []
    for _ in range(count):
        n = int(rng.integers(24, 600))
        period = int(rng.choice([1, 4, 7, 12, 24, 52]))
        t = np.arange(n + HORIZON)
        level = rng.uniform(1, 1000)
        trend = rng.normal(0, 0.004) * t * level * rng.choice([0, 1, 1])
        damp = rng.uniform(0.5, 1)
        season = level * rng.uniform(0, 0.5) * np.sin(2 * np.pi * t / max(period, 1) + rng.uniform(0, 6.3)) if period > 1 else 0
        noise = rng.normal(0, rng.uniform(0.01, 0.3) * level, len(t))
        walk = np.cumsum(rng.normal(0, rng.uniform(0, 0.05) * level, len(t))) * rng.choice([0, 1])
        y = level + trend * damp + season + noise + walk
        promo = np.zeros(len(t), dtype=np.float32)
        if rng.random() < 0.4:
            promo = (rng.random(len(t)) < rng.uniform(0.03, 0.15)).astype(np.float32)
            y = y * (1 + promo * rng.uniform(0.2, 1.5))
        if rng.random() < 0.2:
            y = rng.poisson(np.maximum(y, 0) / level * rng.uniform(0.1, 3)).astype(np.float32)
        elif rng.random() < 0.7:
            y = np.maximum(y, 0)
        out.append((y.astype(np.float32), promo))
    return out

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(2 + COVARIATES, UNITS, batch_first=True)
        self.hidden = nn.Linear(UNITS, 128)
        self.out = nn.Linear(128, HORIZON * len(QUANTILES))
        self.cov = nn.Linear(COVARIATES, len(QUANTILES), bias=False)
    def forward(self, past, future_cov):
        _, (h, _) = self.lstm(past)
        base = self.out(torch.relu(self.hidden(h[-1]))).view(-1, HORIZON, len(QUANTILES))
        return base + self.cov(future_cov)

def make_batch(rng, pool, batch):
    past = np.zeros((batch, WINDOW, 2 + COVARIATES), np.float32)
    fcov = np.zeros((batch, HORIZON, COVARIATES), np.float32)
    target = np.zeros((batch, HORIZON), np.float32)
    mask = np.zeros((batch, HORIZON), np.float32)
    for b in range(batch):
        y, promo = pool[int(rng.integers(len(pool)))]
        n = len(y)
        cut = int(rng.integers(min(8, n - 1), n - 1)) if n > 9 else n - 1
        hist = y[max(0, cut - WINDOW):cut]
        fut = y[cut:cut + HORIZON]
        scale = float(np.mean(np.abs(hist))) or 1.0
        k = len(hist)
        past[b, WINDOW - k:, 0] = hist / scale
        past[b, WINDOW - k:, 1] = 1
        if promo is not None:
            past[b, WINDOW - k:, 2] = promo[max(0, cut - WINDOW):cut]
            fp = promo[cut:cut + HORIZON]
            fcov[b, :len(fp), 0] = fp
        target[b, :len(fut)] = fut / scale
        mask[b, :len(fut)] = 1
    return [torch.from_numpy(a) for a in (past, fcov, target, mask)]

def pinball(pred, target, mask):
    q = torch.tensor(QUANTILES).view(1, 1, -1)
    diff = target.unsqueeze(-1) - pred
    loss = torch.maximum(q * diff, (q - 1) * diff) * mask.unsqueeze(-1)
    return loss.sum() / (mask.sum() * len(QUANTILES))

def quantize(t):
    a = t.detach().numpy().astype(np.float32)
    lo, hi = float(a.min()), float(a.max())
    scale = (hi - lo) / 255 or 1.0
    q = np.clip(np.round((a - lo) / scale), 0, 255).astype(np.uint8)
    return q, lo, scale

def export(net, out_dir, meta):
    os.makedirs(out_dir, exist_ok=True)
    L = net.lstm
    # TF.js/Keras layout: kernels are (in, out); LSTM gates i, f, c, o like torch's i, f, g, o; one bias.
    tensors = [
        ('lstm/kernel', L.weight_ih_l0.T), ('lstm/recurrent_kernel', L.weight_hh_l0.T), ('lstm/bias', L.bias_ih_l0 + L.bias_hh_l0),
        ('hidden/kernel', net.hidden.weight.T), ('hidden/bias', net.hidden.bias),
        ('out/kernel', net.out.weight.T), ('out/bias', net.out.bias),
        ('cov/kernel', net.cov.weight.T),
    ]
    blob, manifest = bytearray(), []
    for name, t in tensors:
        q, lo, scale = quantize(t)
        manifest.append({'name': name, 'shape': list(t.shape), 'dtype': 'uint8', 'min': lo, 'scale': scale, 'offset': len(blob), 'length': q.size})
        blob += q.tobytes()
    with open(os.path.join(out_dir, 'weights.bin'), 'wb') as fh: fh.write(blob)
    model = {'format': 'storecast-trend-lstm', 'version': 1, 'window': WINDOW, 'horizon': HORIZON, 'quantiles': QUANTILES,
             'units': UNITS, 'covariates': COVARIATES, 'weights': manifest, 'training': meta}
    with open(os.path.join(out_dir, 'model.json'), 'w') as fh: json.dump(model, fh, indent=1)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=4000)
    ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '../../public/models/trend-lstm'))
    args = ap.parse_args()
    torch.manual_seed(7); random.seed(7)
    rng = np.random.default_rng(7)
    torch.set_num_threads(int(os.environ.get('THREADS', '1')))
    real = real_series()
    counts = {k: len(v) for k, v in real.items()}
    synth = synthetic(rng, 4000)
    # Balance sources: each real group and the synthetic pool get comparable sampling mass.
    pool = []
    for name, group in real.items():
        reps = max(1, 400 // max(1, len(group)))
        pool += [(s, None) for s in group] * reps
    pool += synth
    print('series per source', counts, 'synthetic', len(synth), 'pool', len(pool), flush=True)
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=args.steps)
    started = time.time()
    running = None
    for step in range(args.steps):
        past, fcov, target, mask = make_batch(rng, pool, args.batch)
        loss = pinball(net(past, fcov), target, mask)
        opt.zero_grad(); loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step(); sched.step()
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        if step % 200 == 0 or step == args.steps - 1:
            print(f'step {step} pinball {running:.4f} {time.time() - started:.0f}s', flush=True)
    meta = {'steps': args.steps, 'batch': args.batch, 'final_pinball': round(running, 5), 'series_per_source': counts, 'synthetic_series': len(synth), 'seconds': round(time.time() - started)}
    export(net, args.out, meta)
    print('exported', args.out, json.dumps(meta))

if __name__ == '__main__':
    main()
