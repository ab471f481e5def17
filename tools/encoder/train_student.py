"""Distils the teacher (Universal Sentence Encoder lite, 512-d) into a small BERT student we own,
resumable across sessions from a checkpoint committed to git (tools/encoder/checkpoint/).

  node tools/encoder/build-corpus.mjs                              # .cache/encoder/corpus.txt (+ sources, stats)
  THREADS=1 nice -n 19 node tools/encoder/teacher-embed.mjs        # .cache/encoder/teacher/shard-*.f32 (resumable)
  source tools/encoder/openblas.sh                                 # OpenBLAS for this shell (Debian's torch has the reference BLAS)
  THREADS=1 nice -n 19 /usr/bin/python3 tools/encoder/train_student.py --fresh --minutes 45    # first session
  THREADS=1 nice -n 19 /usr/bin/python3 tools/encoder/train_student.py --resume --minutes 60   # every later session
  /usr/bin/python3 tools/encoder/train_student.py --eval-only      # metrics of the checkpoint
  /usr/bin/python3 tools/encoder/train_student.py --export         # HF folder + int8 ONNX in .cache/encoder/storecast-bert-mini

The checkpoint (student.pt: fp16 weights; vocab.txt: the learned WordPiece vocabulary; state.json: step,
sessions, minutes, schedule, metrics history; README.md: the latest metrics) is small enough to commit. The
optimiser state is not kept: a resumed session re-warms the learning rate over --warmup steps. Each session
runs a warm-up then a cosine decay over its own --minutes, so every checkpoint is taken at a low rate.
Training picks up teacher shards that appear while it runs (teacher-embed.mjs may run alongside).

Evaluation (printed, written to the checkpoint's README and state.json): on the held-out lines of the
corpus (held out by title hash, never trained on), Spearman rank correlation between the student's and
the teacher's cosine similarities over pairs, top-10 neighbour overlap, and mean cosine between the
student's and the teacher's vector of the same text. Ship criterion (issue 12): Spearman >= 0.85 on
product titles and k-NN price RMSLE <= 1.05x the teacher's (npm run bench -- encoder); only then does the
student go to public/models/ (node tools/model-card.mjs on its folder).
"""
import argparse, datetime, hashlib, json, math, os, random, shutil, signal, sys, tempfile, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wordpiece import Tokenizer, learn_vocab, SPECIALS

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '../..'))
CKPT = os.path.join(ROOT, 'tools/encoder/checkpoint')
NAME = 'storecast-bert-mini'
HIDDEN, LAYERS, HEADS, FFN, MAX_LEN, VOCAB, OUT_DIM = 256, 4, 4, 512, 64, 12000, 512
SHARD = 2048
TITLE_SOURCES = ('catalog-title', 'catalog-variant', 'generated-title')
SHIP_SPEARMAN = 0.85

class Layer(nn.Module):
    def __init__(self, ffn):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(HIDDEN, HIDDEN) for _ in range(4))
        self.ln1 = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.ff1, self.ff2 = nn.Linear(HIDDEN, ffn), nn.Linear(ffn, HIDDEN)
        self.ln2 = nn.LayerNorm(HIDDEN, eps=1e-12)
    def forward(self, x, bias):
        B, T, _ = x.shape
        split = lambda t: t.view(B, T, HEADS, HIDDEN // HEADS).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(HIDDEN // HEADS) + bias, dim=-1)
        ctx = (att @ v).transpose(1, 2).reshape(B, T, HIDDEN)
        x = self.ln1(x + self.o(ctx))
        return self.ln2(x + self.ff2(F.gelu(self.ff1(x))))

class Student(nn.Module):
    """BERT encoder + a linear projection to the teacher's 512 dimensions. The projection is applied
    per token, so transformers.js' mean pooling of last_hidden_state gives the distilled embedding."""
    def __init__(self, vocab, ffn=FFN):
        super().__init__()
        self.ffn = ffn
        self.word = nn.Embedding(vocab, HIDDEN)
        self.position = nn.Embedding(MAX_LEN, HIDDEN)
        self.token_type = nn.Embedding(2, HIDDEN)
        self.ln = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.layers = nn.ModuleList(Layer(ffn) for _ in range(LAYERS))
        self.project = nn.Linear(HIDDEN, OUT_DIM)
    def forward(self, input_ids, attention_mask, token_type_ids):
        T = input_ids.shape[1]
        positions = torch.arange(T, device=input_ids.device).unsqueeze(0)
        x = self.ln(self.word(input_ids) + self.position(positions) + self.token_type(token_type_ids))
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, bias)
        return self.project(x)

    def widen_ffn(self, ffn):
        """Grow every feed-forward block to ffn units without changing the function: the new units get
        small random input weights and zero output weights, so training starts from the same student
        with room to learn more."""
        for layer in self.layers:
            old1, old2 = layer.ff1, layer.ff2
            layer.ff1, layer.ff2 = nn.Linear(HIDDEN, ffn), nn.Linear(ffn, HIDDEN)
            with torch.no_grad():
                layer.ff1.weight.normal_(0, old1.weight.std().item())
                layer.ff1.bias.zero_()
                layer.ff1.weight[:self.ffn] = old1.weight
                layer.ff1.bias[:self.ffn] = old1.bias
                layer.ff2.weight.zero_()
                layer.ff2.weight[:, :self.ffn] = old2.weight
                layer.ff2.bias.copy_(old2.bias)
        self.ffn = ffn

def pooled(out, mask):
    m = mask.unsqueeze(-1).to(out.dtype)
    return (out * m).sum(1) / m.sum(1).clamp(min=1)

def make_batch(ids, chunk):
    T = max(len(ids[j]) for j in chunk)
    inp = np.zeros((len(chunk), T), np.int64)
    mask = np.zeros((len(chunk), T), np.int64)
    for r, j in enumerate(chunk):
        inp[r, :len(ids[j])] = ids[j]
        mask[r, :len(ids[j])] = 1
    return torch.from_numpy(inp), torch.from_numpy(mask)

def embed(model, ids, idx, size=256):
    """Unit-length student vectors for the lines idx (in that order), batched by length."""
    out = np.zeros((len(idx), OUT_DIM), np.float32)
    order = sorted(range(len(idx)), key=lambda r: len(ids[idx[r]]))
    model.eval()
    with torch.no_grad():
        for i in range(0, len(order), size):
            rows = order[i:i + size]
            inp, mask = make_batch(ids, [idx[r] for r in rows])
            out[rows] = F.normalize(pooled(model(inp, mask, torch.zeros_like(inp)), mask), dim=-1).numpy()
    model.train()
    return out

# ---------------------------------------------------------------- data
def load_corpus(d):
    lines = open(os.path.join(d, 'corpus.txt'), encoding='utf8').read().split('\n')[:-1]
    sources = open(os.path.join(d, 'corpus-sources.txt'), encoding='utf8').read().split('\n')[:-1]
    stats = json.load(open(os.path.join(d, 'corpus-stats.json')))
    assert len(lines) == len(sources) == stats['total'], 'corpus.txt, corpus-sources.txt and corpus-stats.json disagree: rebuild the corpus'
    return lines, sources, stats

class Teacher:
    """Teacher vectors from .cache/encoder/teacher/shard-NNNN.f32; refresh() picks up new shards."""
    def __init__(self, d, n):
        self.dir = os.path.join(d, 'teacher')
        self.vectors = np.zeros((n, OUT_DIM), np.float32)
        self.have = np.zeros(n, bool)
        self.loaded = set()
        self.refresh()
    def refresh(self):
        new = 0
        if not os.path.isdir(self.dir):
            return 0
        for f in sorted(os.listdir(self.dir)):
            if not f.endswith('.f32') or f in self.loaded:
                continue
            s = int(f.split('-')[1].split('.')[0])
            data = np.fromfile(os.path.join(self.dir, f), np.float32).reshape(-1, OUT_DIM)
            self.vectors[s * SHARD:s * SHARD + len(data)] = data
            self.have[s * SHARD:s * SHARD + len(data)] = True
            self.loaded.add(f)
            new += len(data)
        return new

# ---------------------------------------------------------------- checkpoint
def sha256_file(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()

def save_checkpoint(model, tokens, state, ckpt):
    os.makedirs(ckpt, exist_ok=True)
    half = {k: v.detach().to(torch.float16) if v.is_floating_point() else v for k, v in model.state_dict().items()}
    tmp = os.path.join(ckpt, 'student.pt.tmp')
    torch.save(half, tmp)
    os.replace(tmp, os.path.join(ckpt, 'student.pt'))
    with open(os.path.join(ckpt, 'vocab.txt'), 'w', encoding='utf8') as f:
        f.write('\n'.join(tokens) + '\n')
    state['files'] = {f: {'bytes': os.path.getsize(os.path.join(ckpt, f)), 'sha256': sha256_file(os.path.join(ckpt, f))} for f in ('student.pt', 'vocab.txt')}
    json.dump(state, open(os.path.join(ckpt, 'state.json'), 'w'), indent=2)
    write_readme(state, ckpt)

def load_checkpoint(ckpt):
    state = json.load(open(os.path.join(ckpt, 'state.json')))
    tokens = open(os.path.join(ckpt, 'vocab.txt'), encoding='utf8').read().split('\n')[:-1]
    arch = state['architecture']
    assert arch == architecture(len(tokens), arch['ffn']), f'checkpoint architecture {arch} differs from this script {architecture(len(tokens), arch["ffn"])}'
    model = Student(len(tokens), arch['ffn'])
    weights = torch.load(os.path.join(ckpt, 'student.pt'))
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in weights.items()})
    return model, tokens, state

def architecture(vocab, ffn=FFN):
    return {'hidden': HIDDEN, 'layers': LAYERS, 'heads': HEADS, 'ffn': ffn, 'max_len': MAX_LEN, 'vocab': vocab, 'out_dim': OUT_DIM}

# ---------------------------------------------------------------- evaluation
def spearman(a, b):
    ra = np.empty(len(a)); ra[np.argsort(a, kind='stable')] = np.arange(len(a))
    rb = np.empty(len(b)); rb[np.argsort(b, kind='stable')] = np.arange(len(b))
    return float(np.corrcoef(ra, rb)[0, 1])

def agreement(s, t, rng, max_pairs=200_000):
    """Spearman of pairwise cosines (all pairs up to max_pairs, else a fixed random sample), top-10
    neighbour overlap, mean and min cosine between the student's and the teacher's vector of a text."""
    n = len(s)
    if n * (n - 1) // 2 <= max_pairs:
        i, j = np.triu_indices(n, 1)
    else:
        i, j = rng.integers(0, n, max_pairs), rng.integers(0, n, max_pairs)
        keep = i != j
        i, j = i[keep], j[keep]
    rho = spearman((s[i] * s[j]).sum(1), (t[i] * t[j]).sum(1))
    overlap = float('nan')
    if 11 <= n <= 5000:
        ss, tt = s @ s.T, t @ t.T
        np.fill_diagonal(ss, -2); np.fill_diagonal(tt, -2)
        a, b = np.argsort(-ss, 1)[:, :10], np.argsort(-tt, 1)[:, :10]
        overlap = float(np.mean([len(set(a[r]) & set(b[r])) / 10 for r in range(n)]))
    cos = (s * t).sum(1)
    return {'texts': n, 'pairs': int(len(i)), 'spearman': round(rho, 4), 'top10_overlap': round(overlap, 4), 'mean_cosine': round(float(cos.mean()), 4), 'min_cosine': round(float(cos.min()), 4)}

def evaluate(model, ids, held, sources, teacher):
    groups = {
        'catalog titles (real listings)': [i for i in held if sources[i] == 'catalog-title'],
        'catalog titles + their variants': [i for i in held if sources[i] in ('catalog-title', 'catalog-variant')],
        'all product titles (catalog, variants, generated)': [i for i in held if sources[i] in TITLE_SOURCES],
        'descriptions and general sentences': [i for i in held if sources[i] not in TITLE_SOURCES],
        'all held-out lines': list(held),
    }
    rng = np.random.default_rng(2026)
    known = [i for i in held if teacher.have[i]]
    vectors = dict(zip(known, embed(model, ids, known))) if known else {}
    out = {}
    for name, idx in groups.items():
        idx = [i for i in idx if teacher.have[i]]
        if len(idx) < 2:
            continue
        out[name] = agreement(np.stack([vectors[i] for i in idx]), teacher.vectors[idx], rng)
    return out

def print_metrics(metrics):
    for name, m in metrics.items():
        print(f"  {name:52s} n={m['texts']:5d} Spearman {m['spearman']:.4f}  top-10 {m['top10_overlap']:.3f}  mean cos {m['mean_cosine']:.4f}  min cos {m['min_cosine']:.4f}", flush=True)

def overlap_cell(metrics):
    """A group's top-10 overlap for a table: '-' where the group is too large to measure it (NaN)."""
    v = metrics['top10_overlap']
    return '-' if v != v else format(v, '.3f')

def neighbourhood_cell(h):
    share = h.get('neighbour_batches', 0)
    return f"{share:.0%} of {h.get('neighbourhood', 0):,}" if share else '0%'

def write_readme(state, ckpt):
    m = state.get('metrics') or {}
    rows = '\n'.join(f"| {k} | {v['texts']} | {v['pairs']} | {v['spearman']:.4f} | {overlap_cell(v)} | {v['mean_cosine']:.4f} | {v['min_cosine']:.4f} |" for k, v in m.items())
    hist = '\n'.join(f"| {h['session']} | {h['ended']} | {h.get('ffn', FFN)} | {h.get('lr', 1e-3):g} | {neighbourhood_cell(h)} | {h['minutes']:.1f} | {h['steps']} | {h['examples']} | {h.get('catalog_spearman', float('nan')):.4f} | {h.get('titles_spearman', float('nan')):.4f} | {h.get('titles_mean_cosine', float('nan')):.4f} |" for h in state.get('history', []))
    files = '\n'.join(f"| {f} | {v['bytes']} | `{v['sha256']}` |" for f, v in state.get('files', {}).items())
    titles = m.get('all product titles (catalog, variants, generated)', {})
    verdict = 'reaches' if titles.get('spearman', 0) >= SHIP_SPEARMAN and m.get('catalog titles (real listings)', {}).get('spearman', 0) >= SHIP_SPEARMAN else 'does not reach'
    arch = state['architecture']
    text = f"""# BERT student checkpoint

Resumable checkpoint of the BERT student distilled from Universal Sentence Encoder lite
(`public/models/storecast-use-lite`) by `tools/encoder/train_student.py`. Written by the script; do not
edit by hand. On held-out corpus titles it {verdict} Spearman >= {SHIP_SPEARMAN} against the teacher. Whether it
ships is decided on the price benchmark's test titles by `npm run bench -- encoder` (Spearman >= {SHIP_SPEARMAN}
and k-NN price RMSLE <= 1.05x the teacher's on every catalog; `bench/RESULTS.md` has the latest numbers).
A shipped student is `--export`ed to `public/models/{NAME}/` with its card.

- Architecture: BERT, {arch['layers']} layers, hidden {arch['hidden']}, {arch['heads']} heads, FFN {arch['ffn']}, max {arch['max_len']} tokens,
  WordPiece vocabulary {arch['vocab']} (learned from the corpus' training lines at the first session; fixed since),
  a per-token linear projection to 512-d; sentence vector = mean over tokens, L2-normalised.
- Trained: {state['sessions']} session(s), {state['minutes']:.1f} minutes, {state['step']} steps, {state['examples']} examples
  (batch {state['batch']}), loss = (1 - cosine to the teacher) + {state['sim_weight']} x MSE of in-batch cosine matrices.
- Corpus: `node tools/encoder/build-corpus.mjs` (sha256 `{state['corpus']['sha256'][:16]}...`, {state['corpus']['total']} lines,
  {state['corpus']['heldOut']} held out); teacher: the shipped int8 port on onnxruntime-node.

## Metrics (held-out lines, never trained on), measured at step {state.get('metrics_at_step', '-')}
Spearman = rank correlation of student vs teacher cosine similarities over pairs of texts; top-10 =
mean share of the teacher's 10 nearest neighbours (within the group) the student also ranks top 10
(groups of at most 5,000 texts);
cosine = between the student's and the teacher's vector of the same text.

| held-out group | texts | pairs | Spearman | top-10 overlap | mean cosine | min cosine |
| --- | --- | --- | --- | --- | --- | --- |
{rows}

## Sessions
| session | ended (UTC) | FFN | peak learning rate | neighbourhood batches (of lines) | minutes | steps (total) | examples (total) | Spearman, catalog titles | Spearman, all titles | mean cosine, all titles |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
{hist}

## Continue
```bash
node tools/encoder/build-corpus.mjs                                   # same corpus (checks sha256 above)
THREADS=1 nice -n 19 node tools/encoder/teacher-embed.mjs             # teacher vectors (.cache, resumable)
source tools/encoder/openblas.sh                                      # OpenBLAS for this shell (15x faster than Debian's reference BLAS)
THREADS=1 nice -n 19 /usr/bin/python3 tools/encoder/train_student.py --resume --minutes 60
git add tools/encoder/checkpoint && git commit -m "BERT student: session N"
```

## Files
| file | bytes | sha256 |
| --- | --- | --- |
{files}
"""
    open(os.path.join(ckpt, 'README.md'), 'w').write(text)

CORPUS_SOURCES = {
    'catalog-title': 'titles of the price benchmark\'s training splits (../shared/data/price: superstore, MIT; amazon_india and amazon_electronics, Kaggle scrapes with no stated licence)',
    'catalog-variant': 'those titles edited the way listings differ (numbers, sizes, colours, brand, truncation, case, word order)',
    'catalog-description': 'description snippets of the same products',
    'generated-title': 'synthetic titles: brands, model numbers, product types (catalog categories, WordNet nouns), sizes, units, colours, materials',
    'generated-description': 'synthetic one-line descriptions',
    'debian-short': 'Debian package short descriptions (bookworm Translation-en; DFSG-free licences)',
    'debian-long': 'Debian package long descriptions, split into sentences (DFSG-free licences)',
    'wordnet-gloss': 'WordNet 3.0 glosses (WordNet licence)',
}

def write_model_card(out, state, stats):
    """README.md of the exported model folder: what it is, data, licence, metrics, how to rebuild.
    The sha256 table is filled by tools/model-card.mjs, the benchmark table by `npm run bench -- encoder`."""
    m = state.get('metrics') or {}
    held = '\n'.join(f"| {k} | {v['texts']} | {v['spearman']:.4f} | {overlap_cell(v)} | {v['mean_cosine']:.4f} |" for k, v in m.items())
    sources = '\n'.join(f"| {k} | {c} | {stats.get('heldOutCounts', {}).get(k, 0)} | {CORPUS_SOURCES.get(k, '')} |" for k, c in sorted(stats['counts'].items(), key=lambda kv: -kv[1]))
    hist = '\n'.join(f"| {h['session']} | {h['ended']} | {h.get('ffn', FFN)} | {h['minutes']:.1f} | {h['steps']} | {h.get('catalog_spearman', float('nan')):.4f} | {h.get('titles_spearman', float('nan')):.4f} |" for h in state.get('history', []))
    arch = state['architecture']
    text = f"""# {NAME} — storecast's BERT product-text encoder (int8 ONNX)

A small BERT encoder owned by storecast, distilled from Universal Sentence Encoder lite
(`storecast-use-lite`, the default encoder) so that its mean-pooled output reproduces the teacher's
512-d sentence vectors, with a WordPiece vocabulary learned on product text. Opt-in:

```ts
await embedText(texts, {{ encoder: {{ model: '{NAME}' }} }});
const model = await trainPriceModel(catalog, {{ encoder: {{ model: '{NAME}' }} }});
```

Why choose it over the default: an architecture and vocabulary storecast owns (a standard BERT
graph that `@huggingface/transformers` loads as a feature-extraction model; its PyTorch checkpoint in
`tools/encoder/checkpoint/` trains further with the committed script), fewer operations per title
(faster on the browser's wasm backend; `bench/RESULTS.md`), a smaller file. Why not: it is an approximation of the default encoder (agreement below), so the
default stays `storecast-use-lite`. A price model remembers its encoder; one trained with either
encoder only predicts with the same one.

## Architecture
- BERT: {arch['layers']} layers, hidden {arch['hidden']}, {arch['heads']} heads, feed-forward {arch['ffn']}, GELU, post-LayerNorm,
  max {arch['max_len']} tokens; WordPiece vocabulary of {arch['vocab']} (lower case), learned on the corpus' training lines.
- Output: a linear projection {arch['hidden']} -> {arch['out_dim']} per token, so that transformers.js' mean pooling of
  `last_hidden_state` gives the distilled vector (`config.hidden_size` is therefore {arch['out_dim']}); L2-normalised.
- `onnx/model_quantized.onnx` (dtype `q8`: Node, WebGPU): int8 weights per output column with float
  compute (`Cast` -> `Mul` -> `MatMul`, folded into float weights when a session loads), the
  embedding table int8 per row: the same vectors on every runtime (`tools/encoder/quantize.py`).
- `onnx/model_uint8.onnx` (dtype `uint8`: what `embedText` runs on the browser's wasm backend): the
  same int8 weights with integer compute: each matrix input quantised per token in the graph,
  `MatMulInteger` u8 x u8 (exact int32 sums on any CPU, with or without VNNI), query/key/value
  sharing one quantisation of their input. It carries the `q8` file's id, so a price model trained
  in Node loads in a browser.

## Teacher and licence
- Teacher: Universal Sentence Encoder lite (c) Google LLC, Apache-2.0, as ported exactly in
  `public/models/storecast-use-lite` (its card has the sources); teacher vectors computed with that
  int8 port on onnxruntime-node (`tools/encoder/teacher-embed.mjs`).
- These weights: storecast's own (Apache-2.0, as the package), learned from the teacher's vectors of
  the corpus below. Two of its sources carry no stated licence (amazon_india and amazon_electronics
  titles, used as training text only, as issue 12 allowed); `build-corpus.mjs` without
  `../shared/data` rebuilds a corpus without any catalog text.

## Corpus (`node tools/encoder/build-corpus.mjs`, deterministic; sha256 `{stats['sha256'][:16]}...`)
Held out: every line whose key hashes into the held-out bucket (a catalog product with all its
variants and descriptions; 1 in 8 products, 1 in 25 other lines). The price benchmark's *test*
splits are never read.

| source | lines | held out | what |
| --- | --- | --- | --- |
{sources}

## Training (`tools/encoder/train_student.py`, resumable checkpoint in `tools/encoder/checkpoint/`)
Loss per batch of 128: (1 - cosine to the teacher) + {state.get('sim_weight', 10.0)} x MSE between the student's and the
teacher's in-batch cosine matrices; AdamW, each session a warm-up and a cosine decay over its
wall-clock budget; Debian `python3-torch` 1.13 with OpenBLAS on 1-2 CPU threads. This export:
{state['sessions']} sessions, {state['minutes']:.0f} minutes, {state['step']} steps, {state['examples']} examples.

| session | ended (UTC) | FFN | minutes (total) | steps (total) | Spearman, held-out catalog titles | Spearman, held-out titles |
| --- | --- | --- | --- | --- | --- | --- |
{hist}

## Metrics
Agreement with the teacher on held-out corpus lines (Spearman of the two models' cosine similarities
over pairs of texts; top-10 = share of the teacher's 10 nearest neighbours the student also ranks top 10;
cosine between the two vectors of a text):

| held-out group | texts | Spearman | top-10 overlap | mean cosine |
| --- | --- | --- | --- | --- |
{held}

On the price benchmark's test titles (never in the corpus), against the TF.js original of the
teacher, with its k-NN price RMSLE as a multiple of the teacher's (`npm run bench -- encoder`, which
writes this table; ship criterion: Spearman >= {SHIP_SPEARMAN} and k-NN <= 1.05 x on every catalog):

<!-- benchmark:start -->
(run `npm run bench -- encoder`)
<!-- benchmark:end -->

## Rebuild
```bash
apt-get install -y wordnet-base python3-torch python3-onnx && apt-get -o Acquire::Languages=en update
node tools/encoder/build-corpus.mjs                          # .cache/encoder/corpus.txt (checks the sha256 above)
THREADS=2 node tools/encoder/teacher-embed.mjs               # teacher vectors (resumable)
source tools/encoder/openblas.sh                             # OpenBLAS (Debian's torch links the reference BLAS)
THREADS=2 /usr/bin/python3 tools/encoder/train_student.py --resume --minutes 60 --catalog-repeat 3   # more sessions
/usr/bin/python3 tools/encoder/train_student.py --export --out public/models/{NAME}
node tools/model-card.mjs public/models/{NAME}              # sha256.json and the table below
npm run bench -- encoder                                     # the benchmark table above
```

## Files
<!-- sha256:start -->
<!-- sha256:end -->
"""
    open(os.path.join(out, 'README.md'), 'w').write(text)

def check_blas():
    """Debian's python3-torch links the reference BLAS (torch.__config__: BLAS_INFO=generic), ~3 GFLOPS
    on one thread: training is 15x slower than with OpenBLAS. Say so (see tools/encoder/README.md)."""
    a, b = torch.randn(1024, 256), torch.randn(256, 512)
    t = time.process_time()
    for _ in range(5):
        a @ b
    gflops = 5 * 2 * 1024 * 256 * 512 / max(time.process_time() - t, 1e-9) / 1e9
    print(f'matmul {gflops:.1f} GFLOPS per thread', flush=True)
    if gflops < 12:
        print('warning: slow BLAS (reference BLAS?). Use OpenBLAS for this process: LD_LIBRARY_PATH=.cache/openblas/root/usr/lib/x86_64-linux-gnu/openblas-serial (tools/encoder/README.md)', flush=True)

# ---------------------------------------------------------------- main
def mix_neighbour_batches(groups, train_idx, sources, vectors, share, batch, rnd, size):
    """Replaces `share` of the batches with neighbourhood batches: an anchor title (catalog or generated),
    its `size` nearest training lines by teacher cosine, `batch` of them at random. The rest stay
    length-bucketed random batches (the broad structure). Built lazily, one anchor at a time."""
    pool = np.array(sorted(set(train_idx)), np.int64)
    matrix = vectors[pool]
    anchors = [i for i in pool.tolist() if sources[i] in ('catalog-title', 'catalog-variant', 'generated-title')]
    def neighbourhood():
        a = rnd.choice(anchors)
        sims = matrix @ vectors[a]
        near = np.argpartition(-sims, size)[:size]
        return [int(pool[j]) for j in rnd.sample(near.tolist(), batch)]
    count = int(round(len(groups) * share))
    marked = set(rnd.sample(range(len(groups)), count))
    # A generator: each neighbourhood costs one matrix-vector product, paid when its batch comes up.
    return (neighbourhood() if g in marked else chunk for g, chunk in enumerate(groups))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dir', default=os.path.join(ROOT, '.cache/encoder'))
    ap.add_argument('--ckpt', default=CKPT)
    ap.add_argument('--minutes', type=float, default=30, help='train this many more minutes, then evaluate and checkpoint')
    ap.add_argument('--resume', action='store_true', help='continue from the checkpoint')
    ap.add_argument('--fresh', action='store_true', help='start a new student (learns the vocabulary; overwrites the checkpoint)')
    ap.add_argument('--eval-only', action='store_true')
    ap.add_argument('--export', action='store_true', help='write the HF folder + int8 ONNX of the checkpoint to --out')
    ap.add_argument('--out', default=os.path.join(ROOT, '.cache/encoder', NAME))
    ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--lr', type=float, default=1e-3, help='peak learning rate of a session')
    ap.add_argument('--warmup', type=int, default=0, help='warm-up steps (default 300 fresh, 100 resumed)')
    ap.add_argument('--sim-weight', type=float, default=10.0)
    ap.add_argument('--catalog-repeat', type=int, default=1,
                    help='each pass takes the real listings (catalog titles, their variants and descriptions) this many times: '
                         'the ship criterion is measured on catalog titles, which are 13%% of the corpus')
    ap.add_argument('--ffn', type=int, default=0,
                    help='feed-forward units: with --fresh, the new student\'s; with --resume, widen the checkpoint\'s blocks to this many (function-preserving) before training')
    ap.add_argument('--neighbour-batches', type=float, default=0.0,
                    help='share of batches drawn from one neighbourhood: a random title\'s --neighbourhood nearest training lines by the teacher\'s '
                         'vectors, 128 of them at random; their in-batch similarities are all high, as within one catalog, '
                         'so the relational loss trains the fine ranking the ship criterion measures')
    ap.add_argument('--neighbourhood', type=int, default=1024, help='lines in a neighbourhood a neighbourhood batch samples from')
    ap.add_argument('--save-every', type=float, default=10, help='minutes between intermediate checkpoints')
    args = ap.parse_args()
    torch.set_num_threads(int(os.environ.get('THREADS', '1')))
    check_blas()
    have_ckpt = os.path.exists(os.path.join(args.ckpt, 'state.json'))
    if args.fresh and args.resume:
        sys.exit('--fresh or --resume, not both')
    if not args.fresh and not have_ckpt:
        sys.exit(f'no checkpoint in {args.ckpt}: start with --fresh')
    if not (args.fresh or args.resume or args.eval_only or args.export):
        sys.exit('say --resume (continue training), --fresh (new student), --eval-only or --export')

    lines, sources, stats = load_corpus(args.dir)
    held_start = len(lines) - stats['heldOut']
    held = list(range(held_start, len(lines)))
    teacher = Teacher(args.dir, len(lines))
    print(f"{len(lines)} lines ({stats['heldOut']} held out), {teacher.have.sum()} with teacher vectors", flush=True)

    if args.fresh:
        seed = 13
        torch.manual_seed(seed)
        t0 = time.time()
        tokens = learn_vocab(lines[:held_start], VOCAB)
        print(f'vocabulary {len(tokens)} learned in {time.time() - t0:.0f}s', flush=True)
        model = Student(len(tokens), args.ffn or FFN)
        state = {'architecture': architecture(len(tokens), model.ffn), 'step': 0, 'examples': 0, 'sessions': 0, 'minutes': 0.0, 'history': []}
    else:
        model, tokens, state = load_checkpoint(args.ckpt)
        print(f"checkpoint: {state['sessions']} sessions, {state['step']} steps, {state['minutes']:.1f} minutes", flush=True)
        if args.ffn and args.resume and args.ffn != model.ffn:
            if args.ffn < model.ffn:
                sys.exit(f'--ffn {args.ffn}: the checkpoint has {model.ffn} units; it can only grow')
            print(f'widening the feed-forward blocks {model.ffn} -> {args.ffn} units', flush=True)
            model.widen_ffn(args.ffn)
            state['architecture'] = architecture(len(tokens), args.ffn)
        if state['corpus']['sha256'] != stats['sha256']:
            print('warning: the corpus differs from the one the checkpoint was trained on (fine: the vocabulary is fixed; the held-out split may differ)', flush=True)
    tok = Tokenizer(tokens)
    t0 = time.time()
    ids = [tok.encode(l, MAX_LEN) for l in lines]
    unk = sum(x.count(tok.vocab['[UNK]']) for x in ids) / sum(len(x) for x in ids)
    print(f'tokenised in {time.time() - t0:.0f}s; mean tokens {np.mean([len(x) for x in ids]):.1f}; unk rate {unk:.4f}', flush=True)

    if args.eval_only or args.export:
        if args.eval_only:
            print_metrics(evaluate(model, ids, held, sources, teacher))
        if args.export:
            export(model, tokens, args.out, {k: state[k] for k in ('step', 'sessions', 'minutes', 'examples')} | {'metrics': state.get('metrics')})
            write_model_card(args.out, state, stats)
        return

    session = state['sessions'] + 1
    rnd = random.Random(1000 + session)
    torch.manual_seed(1000 + session)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warmup = args.warmup or (300 if args.fresh else 100)
    budget = args.minutes * 60
    started = time.time()
    last_save, last_refresh = started, started
    step0, steps, examples = state['step'], 0, 0
    stop = {'now': False}
    def on_signal(signum, frame):
        print(f'signal {signum}: checkpointing and stopping', flush=True)
        stop['now'] = True
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    state.update({'batch': args.batch, 'sim_weight': args.sim_weight, 'lr': args.lr, 'catalog_repeat': args.catalog_repeat, 'neighbour_batches': args.neighbour_batches, 'neighbourhood': args.neighbourhood,
                  'corpus': {'sha256': stats['sha256'], 'total': stats['total'], 'heldOut': stats['heldOut']}})

    def checkpoint(final):
        state['step'] = step0 + steps
        state['examples'] += examples_since[0]
        examples_since[0] = 0
        state['minutes'] = minutes0 + (time.time() - started) / 60
        if final:
            state['sessions'] = session
            metrics = evaluate(model, ids, held, sources, teacher)
            print_metrics(metrics)
            state['metrics'] = metrics
            state['metrics_at_step'] = state['step']
            state['history'].append({'session': session, 'catalog_repeat': args.catalog_repeat, 'ffn': model.ffn, 'lr': args.lr, 'neighbour_batches': args.neighbour_batches, 'neighbourhood': args.neighbourhood, 'ended': datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M'),
                                     'minutes': round(state['minutes'], 1), 'steps': state['step'], 'examples': state['examples'],
                                     'catalog_spearman': metrics.get('catalog titles (real listings)', {}).get('spearman', float('nan')),
                                     'titles_spearman': metrics.get('all product titles (catalog, variants, generated)', {}).get('spearman', float('nan')),
                                     'titles_mean_cosine': metrics.get('all product titles (catalog, variants, generated)', {}).get('mean_cosine', float('nan'))})
        save_checkpoint(model, tokens, state, args.ckpt)
        print(f"checkpoint saved: step {state['step']}, {state['minutes']:.1f} minutes in all", flush=True)
    minutes0 = state['minutes']
    examples_since = [0]
    target = torch.from_numpy(teacher.vectors)
    model.train()
    while not stop['now'] and time.time() - started < budget:
        train_idx = [i for i in range(held_start) if teacher.have[i]]
        train_idx += [i for i in train_idx if sources[i].startswith('catalog-')] * (args.catalog_repeat - 1)
        if not train_idx:
            print('no teacher vectors yet; waiting', flush=True)
            time.sleep(30); teacher.refresh(); continue
        # Length-bucketed shuffling: batches of similar length waste little time on padding.
        order = sorted(train_idx, key=lambda i: (len(ids[i]), rnd.random()))
        groups = [order[i:i + args.batch] for i in range(0, len(order), args.batch)]
        rnd.shuffle(groups)
        batches = len(groups)
        if args.neighbour_batches > 0:
            groups = mix_neighbour_batches(groups, train_idx, sources, teacher.vectors, args.neighbour_batches, args.batch, rnd, args.neighbourhood)
        print(f'pass over {len(train_idx)} training lines ({batches} batches, {args.neighbour_batches:.0%} of them neighbourhoods)', flush=True)
        for chunk in groups:
            now = time.time()
            if stop['now'] or now - started > budget:
                break
            progress = (now - started) / budget
            lr = args.lr * min(1.0, (steps + 1) / warmup) * (0.5 * (1 + math.cos(math.pi * progress)) * 0.95 + 0.05)
            for g in opt.param_groups:
                g['lr'] = lr
            inp, mask = make_batch(ids, chunk)
            s = F.normalize(pooled(model(inp, mask, torch.zeros_like(inp)), mask), dim=-1)
            t = target[chunk]
            cos_loss = (1 - (s * t).sum(-1)).mean()
            off = ~torch.eye(len(chunk), dtype=torch.bool)
            sim_loss = ((s @ s.T - t @ t.T)[off] ** 2).mean()
            loss = cos_loss + args.sim_weight * sim_loss
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            if steps % 50 == 0:
                print(f'step {step0 + steps} cos {1 - cos_loss.item():.4f} sim-mse {sim_loss.item():.5f} lr {lr:.2e} {now - started:.0f}s', flush=True)
            steps += 1
            examples_since[0] += len(chunk)
            if now - last_save > args.save_every * 60:
                checkpoint(False); last_save = time.time()
            if now - last_refresh > 300:
                last_refresh = time.time()
                if teacher.refresh():
                    target = torch.from_numpy(teacher.vectors)
                    break  # new shards: start a new pass that includes them
    checkpoint(True)

def export(model, tokens, out, meta):
    os.makedirs(os.path.join(out, 'onnx'), exist_ok=True)
    config = {'model_type': 'bert', 'architectures': ['BertModel'], 'vocab_size': len(tokens), 'hidden_size': OUT_DIM,
              'encoder_hidden_size': HIDDEN, 'num_hidden_layers': LAYERS, 'num_attention_heads': HEADS, 'intermediate_size': model.ffn,
              'hidden_act': 'gelu', 'max_position_embeddings': MAX_LEN, 'type_vocab_size': 2, 'layer_norm_eps': 1e-12,
              'pad_token_id': 0, 'storecast': {'teacher': 'universal-sentence-encoder-lite (public/models/storecast-use-lite)', 'training': meta}}
    # JSON has no NaN (a metric of a group too small to measure): browsers and Node reject the file.
    finite = lambda v: {k: finite(x) for k, x in v.items()} if isinstance(v, dict) else None if isinstance(v, float) and not math.isfinite(v) else v
    json.dump(finite(config), open(os.path.join(out, 'config.json'), 'w'), indent=2, allow_nan=False)
    special = lambda t: {'id': tokens.index(t), 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True}
    cls, sep = tokens.index('[CLS]'), tokens.index('[SEP]')
    tokenizer = {
        'version': '1.0', 'truncation': {'direction': 'Right', 'max_length': MAX_LEN, 'strategy': 'LongestFirst', 'stride': 0}, 'padding': None,
        'added_tokens': [special(t) for t in SPECIALS],
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True, 'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 1}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
            'special_tokens': {'[CLS]': {'id': '[CLS]', 'ids': [cls], 'tokens': ['[CLS]']}, '[SEP]': {'id': '[SEP]', 'ids': [sep], 'tokens': ['[SEP]']}}},
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##', 'max_input_chars_per_word': 100, 'vocab': {t: i for i, t in enumerate(tokens)}},
    }
    json.dump(tokenizer, open(os.path.join(out, 'tokenizer.json'), 'w'), ensure_ascii=False)
    json.dump({'tokenizer_class': 'BertTokenizer', 'do_lower_case': True, 'model_max_length': MAX_LEN, 'cls_token': '[CLS]', 'sep_token': '[SEP]',
               'pad_token': '[PAD]', 'unk_token': '[UNK]', 'mask_token': '[MASK]', 'strip_accents': None, 'tokenize_chinese_chars': True,
               'clean_up_tokenization_spaces': True}, open(os.path.join(out, 'tokenizer_config.json'), 'w'), indent=2)
    model.eval()
    dummy = torch.ones(2, 8, dtype=torch.long)
    # The float graph is only the quantizer's input: written beside nothing that ships.
    float_path = os.path.join(tempfile.mkdtemp(prefix='storecast-student-'), 'model.onnx')
    torch.onnx.export(model, (dummy, dummy, torch.zeros_like(dummy)), float_path, input_names=['input_ids', 'attention_mask', 'token_type_ids'],
                      output_names=['last_hidden_state'], dynamic_axes={n: {0: 'batch', 1: 'sequence'} for n in ['input_ids', 'attention_mask', 'token_type_ids', 'last_hidden_state']},
                      opset_version=14, do_constant_folding=True)
    from quantize import quantize_model
    quantize_model(float_path, os.path.join(out, 'onnx/model_quantized.onnx'))
    # The same int8 weights with integer compute: what embedText runs on the browser's wasm backend.
    quantize_model(float_path, os.path.join(out, 'onnx/model_uint8.onnx'), integer=True)
    shutil.rmtree(os.path.dirname(float_path))
    print('exported', out, flush=True)

if __name__ == '__main__':
    main()
