"""Int8 weights with float compute, with the onnx package alone (no onnxruntime here):
MatMul(A, W) -> MatMul(A, Cast(W_q) * scale), W quantized per output column (symmetric int8); large
embedding tables used by Gather are stored int8 with one scale per row and dequantized after the
lookup. Activations stay float, so the model gives the same vectors on onnxruntime-node,
onnxruntime-web and WebGPU. Two formats are avoided on purpose:
- DynamicQuantizeLinear -> MatMulInteger saturates in onnxruntime-node on x86 CPUs without VNNI;
- DequantizeLinear -> MatMul is fused by onnxruntime-node into MatMulNBits with int8 activations
  (accuracy_level 4), a CPU-specific int8 kernel again. Cast -> Mul is constant-folded into float
  weights when the session loads, on every runtime.
Loads in transformers.js with dtype 'q8'.

With integer=True (transformers.js dtype 'uint8', for the browser's wasm backend, where float compute
is the bottleneck) each MatMul instead quantizes its input per row to uint8 in the graph and sums with
MatMulInteger u8 x u8 (`integer_matmul`, shared with port_use.py): exact int32 sums on every CPU.

Usage: /usr/bin/python3 tools/encoder/quantize.py model.onnx model_quantized.onnx [--integer]
"""
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

GATHER_MIN_SIZE = 100_000  # smaller tables are not worth the extra nodes


def int8_columns(w):
    scale = (np.maximum(np.abs(w).max(axis=0), 1e-12) / 127.0).astype(np.float32)
    return np.clip(np.round(w / scale), -127, 127).astype(np.int8), scale


def int8_rows(table):
    scale = (np.maximum(np.abs(table).max(axis=1), 1e-12) / 127.0).astype(np.float32)
    return np.clip(np.round(table / scale[:, None]), -127, 127).astype(np.int8), scale


def integer_matmul(op, const, shared, x, name, w, nonnegative, quantized_inputs=None):
    """x @ w in integers: x quantized per row (per token) to uint8 around a fixed zero point (128,
    or 0 for a nonnegative input such as a ReLU's output), w to uint8 per output column around 128;
    MatMulInteger sums exactly in int32 on every runtime, then both scales. Per-row scales keep a
    text's vector independent of the other texts in its batch (up to rounding flips).
    op(type, inputs, **attrs) adds a node and returns its output; const(name, array) adds an
    initializer; shared(name, value) adds a constant once. quantized_inputs (a dict) lets several
    matrices that read the same x (query, key, value) share one quantization of it."""
    levels, zero = (255.0, 0) if nonnegative else (127.0, 128)
    k = w.shape[0]
    key = (x, k, zero)
    if quantized_inputs is not None and key in quantized_inputs:
        q, row_scale = quantized_inputs[key]
    else:
        rows = op('Reshape', [x, shared(f'rows_{k}', np.array([-1, k], np.int64))])  # [R, K]
        amax = op('ReduceMax', [rows if nonnegative else op('Abs', [rows])], axes=[1], keepdims=0)  # [R]
        row_scale = op('Div', [op('Max', [amax, shared('tiny', np.float32(1e-12))]), shared(f'levels_{int(levels)}', np.float32(levels))])
        # QuantizeLinear per row (axis 0): round half to even, saturate to 0..255; one pass over x.
        zero_points = op('Expand', [shared(f'zp_u8_{zero}', np.uint8(zero)), op('Shape', [row_scale])])
        q = op('QuantizeLinear', [rows, row_scale, zero_points], axis=0)
        if quantized_inputs is not None:
            quantized_inputs[key] = (q, row_scale)
    w8, col_scale = int8_columns(w)
    wq = (w8.astype(np.int16) + 128).astype(np.uint8)
    acc = op('MatMulInteger', [q, const(name + '_u8', wq), shared(f'zp_u8_{zero}', np.uint8(zero)), shared('zp_u8_128', np.uint8(128))])
    row_column = op('Unsqueeze', [row_scale, shared('axis_1', np.array([1], np.int64))])
    scaled = op('Mul', [op('Mul', [op('Cast', [acc], to=TensorProto.FLOAT), row_column]), const(name + '_scale', col_scale)])
    # Back to the input's leading dimensions.
    lead = op('Slice', [op('Shape', [x]), shared('zero', np.array([0], np.int64)), shared('minus_1', np.array([-1], np.int64))])
    return op('Reshape', [scaled, op('Concat', [lead, shared(f'width_{w.shape[1]}', np.array([w.shape[1]], np.int64))], axis=0)])


def quantize_model(src, dst, keep_float=(), integer=False):
    """keep_float: names of weight initializers left in float32. integer: uint8 compute (see above).
    Needs opset >= 13 (Unsqueeze with axes as input)."""
    model = onnx.load(src)
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    uses = {}
    producers = {}
    for node in graph.node:
        for name in node.input:
            uses[name] = uses.get(name, 0) + 1
        for name in node.output:
            producers[name] = node.op_type
    new_nodes, removed, added = [], set(), []
    dequantized = {}
    # Builders for integer_matmul that append to this graph.
    counter = [0]
    def op(op_type, inputs, **attrs):
        counter[0] += 1
        out = f'q{counter[0]}_{op_type.lower()}'
        new_nodes.append(helper.make_node(op_type, inputs, [out], name=out, **attrs))
        return out
    def const(name, array):
        added.append(numpy_helper.from_array(np.asarray(array), name))
        return name
    shared_names = set()
    def shared(name, value):
        if name not in shared_names:
            shared_names.add(name)
            const('q.' + name, value)
        return 'q.' + name
    quantized_inputs = {}
    for node in graph.node:
        if node.op_type == 'MatMul' and node.input[1] in inits and node.input[1] not in keep_float and len(inits[node.input[1]].dims) == 2:
            w_name = node.input[1]
            if integer:
                w = numpy_helper.to_array(inits[w_name]).astype(np.float32)
                out = integer_matmul(op, const, shared, node.input[0], w_name, w, producers.get(node.input[0]) == 'Relu', quantized_inputs)
                new_nodes.append(helper.make_node('Identity', [out], list(node.output), name=node.name))
                removed.add(w_name)
                continue
            if w_name not in dequantized:
                q, scale = int8_columns(numpy_helper.to_array(inits[w_name]).astype(np.float32))
                added += [numpy_helper.from_array(q, w_name + '_q'), numpy_helper.from_array(scale, w_name + '_scale')]
                new_nodes += [helper.make_node('Cast', [w_name + '_q'], [w_name + '_qf'], name=w_name + '_cast', to=TensorProto.FLOAT),
                              helper.make_node('Mul', [w_name + '_qf', w_name + '_scale'], [w_name + '_deq'], name=w_name + '_dequantize')]
                dequantized[w_name] = w_name + '_deq'
                removed.add(w_name)
            new_nodes.append(helper.make_node('MatMul', [node.input[0], dequantized[w_name]], list(node.output), name=node.name))
        elif (node.op_type == 'Gather' and node.input[0] in inits and node.input[0] not in keep_float and uses[node.input[0]] == 1
              and len(inits[node.input[0]].dims) == 2 and np.prod(inits[node.input[0]].dims) >= GATHER_MIN_SIZE
              and all(a.name != 'axis' or a.i == 0 for a in node.attribute)):
            name, ids = node.input
            q, scale = int8_rows(numpy_helper.to_array(inits[name]).astype(np.float32))
            added += [numpy_helper.from_array(q, name + '_q'), numpy_helper.from_array(scale, name + '_scale'),
                      numpy_helper.from_array(np.array([-1], np.int64), name + '_last_axis')]
            removed.add(name)
            rows, row_scale = node.output[0] + '_q', node.output[0] + '_scale'
            new_nodes += [
                helper.make_node('Gather', [name + '_q', ids], [rows], name=node.name + '_q', axis=0),
                helper.make_node('Gather', [name + '_scale', ids], [row_scale], name=node.name + '_scale', axis=0),
                helper.make_node('Cast', [rows], [rows + '_f'], name=node.name + '_cast', to=TensorProto.FLOAT),
                helper.make_node('Unsqueeze', [row_scale, name + '_last_axis'], [row_scale + '_u'], name=node.name + '_unsqueeze'),
                helper.make_node('Mul', [rows + '_f', row_scale + '_u'], list(node.output), name=node.name + '_dequantize'),
            ]
        else:
            new_nodes.append(node)
    # A float weight that some other node still reads stays in the file next to its int8 copy.
    referenced = {name for node in new_nodes for name in node.input}
    kept = [i for i in graph.initializer if i.name not in removed or i.name in referenced]
    del graph.initializer[:]
    graph.initializer.extend(kept + added)
    del graph.node[:]
    graph.node.extend(new_nodes)
    onnx.checker.check_model(model)
    onnx.save(model, dst)


if __name__ == '__main__':
    quantize_model(sys.argv[1], sys.argv[2], integer='--integer' in sys.argv[3:])
