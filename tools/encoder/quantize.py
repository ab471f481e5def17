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

Usage: /usr/bin/python3 tools/encoder/quantize.py model.onnx model_quantized.onnx
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


def quantize_model(src, dst, keep_float=()):
    """keep_float: names of weight initializers left in float32. Needs opset >= 13 (Unsqueeze with axes as input)."""
    model = onnx.load(src)
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    uses = {}
    for node in graph.node:
        for name in node.input:
            uses[name] = uses.get(name, 0) + 1
    new_nodes, removed, added = [], set(), []
    dequantized = {}
    for node in graph.node:
        if node.op_type == 'MatMul' and node.input[1] in inits and node.input[1] not in keep_float and len(inits[node.input[1]].dims) == 2:
            w_name = node.input[1]
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
    quantize_model(sys.argv[1], sys.argv[2])
