"""BERT-style text normalisation, pre-tokenisation and WordPiece, written to match what
transformers.js does with the tokenizer.json we export (BertNormalizer lowercase + strip accents,
BertPreTokenizer, WordPiece '##'). Also a small vocabulary learner for the corpus."""
import collections, unicodedata

SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']

def _is_punct(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith('P')

def _is_control(ch):
    if ch in '\t\n\r':
        return False
    return unicodedata.category(ch) in ('Cc', 'Cf')

def _is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)

def normalize(text):
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if ch.isspace():
            out.append(' ')
        elif _is_cjk(cp):
            out.append(' ' + ch + ' ')
        else:
            out.append(ch)
    text = ''.join(out).lower()
    text = unicodedata.normalize('NFD', text)
    return ''.join(ch for ch in text if unicodedata.category(ch) != 'Mn')

def pre_tokenize(text):
    words = []
    for chunk in text.split():
        current = ''
        for ch in chunk:
            if _is_punct(ch):
                if current:
                    words.append(current)
                    current = ''
                words.append(ch)
            else:
                current += ch
        if current:
            words.append(current)
    return words

def wordpiece(word, vocab, max_chars=100):
    if len(word) > max_chars:
        return ['[UNK]']
    pieces, start = [], 0
    while start < len(word):
        end, found = len(word), None
        while start < end:
            piece = word[start:end] if start == 0 else '##' + word[start:end]
            if piece in vocab:
                found = piece
                break
            end -= 1
        if found is None:
            return ['[UNK]']
        pieces.append(found)
        start = end
    return pieces

class Tokenizer:
    def __init__(self, tokens):
        self.tokens = tokens
        self.vocab = {t: i for i, t in enumerate(tokens)}
        self.cache = {}
    def encode(self, text, max_length):
        ids = [self.vocab['[CLS]']]
        for word in pre_tokenize(normalize(text)):
            pieces = self.cache.get(word)
            if pieces is None:
                pieces = [self.vocab[p] for p in wordpiece(word, self.vocab)]
                self.cache[word] = pieces
            ids.extend(pieces)
            if len(ids) >= max_length - 1:
                break
        ids = ids[:max_length - 1] + [self.vocab['[SEP]']]
        return ids

def learn_vocab(lines, size):
    """Whole frequent words first, then the most frequent word-initial and ## continuation pieces
    of the remaining words, so that every word can be spelled (all characters are included)."""
    words = collections.Counter()
    for line in lines:
        words.update(pre_tokenize(normalize(line)))
    chars = collections.Counter()
    for w, c in words.items():
        for i, ch in enumerate(w):
            chars[ch if i == 0 else '##' + ch] += c
    base = SPECIALS + [ch for ch, c in chars.most_common() if c >= 3]
    budget = size - len(base)
    whole = [w for w, c in words.most_common() if len(w) > 1 and c >= 3][: int(budget * 0.7)]
    chosen = set(base) | set(whole)
    pieces = collections.Counter()
    for w, c in words.items():
        if w in chosen:
            continue
        for n in range(2, min(len(w), 7)):
            pieces[w[:n]] += c
            pieces['##' + w[-n:]] += c
    extra = [p for p, _ in pieces.most_common() if p not in chosen][: size - len(base) - len(whole)]
    return base + whole + extra
