"""Int8 dynamic quantization with the onnx package alone (no onnxruntime here):
MatMul(A, W) -> DynamicQuantizeLinear(A) -> MatMulInteger(A_q, W_q) -> Cast -> Mul(scale_a * scale_w),
with W quantized per output column (symmetric int8). Large embedding tables used by Gather are
stored as int8 and dequantized in the graph. Loads in transformers.js with dtype 'q8'."""
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

def quantize_model(src, dst):
    model = onnx.load(src)
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    new_nodes, quantized_inputs = [], {}
    removed = set()
    for node in graph.node:
        if node.op_type == 'MatMul' and node.input[1] in inits and len(numpy_helper.to_array(inits[node.input[1]]).shape) == 2:
            a, w_name = node.input
            w = numpy_helper.to_array(inits[w_name]).astype(np.float32)
            scale = np.maximum(np.abs(w).max(axis=0), 1e-8) / 127.0
            wq = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
            graph.initializer.extend([numpy_helper.from_array(wq, w_name + '_q'), numpy_helper.from_array(scale.astype(np.float32), w_name + '_scale'),
                                      numpy_helper.from_array(np.array(0, np.int8), w_name + '_zp')])
            removed.add(w_name)
            if a not in quantized_inputs:
                quantized_inputs[a] = (a + '_q', a + '_qscale', a + '_qzp')
                new_nodes.append(helper.make_node('DynamicQuantizeLinear', [a], list(quantized_inputs[a]), name=a + '_dql'))
            aq, ascale, azp = quantized_inputs[a]
            out = node.output[0]
            new_nodes.append(helper.make_node('MatMulInteger', [aq, w_name + '_q', azp, w_name + '_zp'], [out + '_int'], name=node.name + '_mmi'))
            new_nodes.append(helper.make_node('Cast', [out + '_int'], [out + '_f'], to=TensorProto.FLOAT, name=node.name + '_cast'))
            new_nodes.append(helper.make_node('Mul', [ascale, w_name + '_scale'], [out + '_s'], name=node.name + '_scale'))
            new_nodes.append(helper.make_node('Mul', [out + '_f', out + '_s'], [out], name=node.name + '_out'))
        elif node.op_type == 'Gather' and node.input[0] in inits and numpy_helper.to_array(inits[node.input[0]]).size > 100_000:
            name = node.input[0]
            table = numpy_helper.to_array(inits[name]).astype(np.float32)
            scale = np.float32(max(np.abs(table).max(), 1e-8) / 127.0)
            q = np.clip(np.round(table / scale), -127, 127).astype(np.int8)
            graph.initializer.extend([numpy_helper.from_array(q, name + '_q'), numpy_helper.from_array(np.array(scale, np.float32), name + '_scale'),
                                      numpy_helper.from_array(np.array(0, np.int8), name + '_zp')])
            removed.add(name)
            new_nodes.append(helper.make_node('DequantizeLinear', [name + '_q', name + '_scale', name + '_zp'], [name + '_deq'], name=name + '_dq'))
            new_nodes.append(helper.make_node('Gather', [name + '_deq', node.input[1]], list(node.output), name=node.name, axis=helper.get_attribute_value(node.attribute[0]) if node.attribute else 0))
        else:
            new_nodes.append(node)
    kept = [i for i in graph.initializer if i.name not in removed]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    del graph.node[:]
    graph.node.extend(new_nodes)
    onnx.checker.check_model(model)
    onnx.save(model, dst)

if __name__ == '__main__':
    quantize_model(sys.argv[1], sys.argv[2])
