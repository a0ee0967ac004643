#!/usr/bin/python3
"""seed_weights.py GRAPH.onnx OUT.onnx [--seed N]

Turns a graph-only ONNX file (external initializers whose data file is absent) into a runnable
test model with deterministic random weights of a sane scale, embedded in OUT. Such a model has
exactly the operators, shapes and memory traffic of the real one: it proves numerical agreement
with a reference runtime and measures speed, but says nothing about depth quality.

Scales: weights with >= 2 dims ~ N(0, 1/fan_in); token/position embeddings ~ N(0, 0.02);
normalisation scales ~ 1 + N(0, 0.05) and biases ~ N(0, 0.02) (never exactly 1 or 0, so an
engine that drops them fails parity); layer scales ~ U(0.05, 0.15). Float biases stored in the
graph are regenerated too (batch-norm-folded ones reach +-30 and saturate next to random
weights). The last convolution before the final ReLU gets a positive bias so the output is not
all zero. Integer tensors (shape constants) are kept exactly.

Needs Debian's python3-onnx and python3-numpy (installed by scripts/setup).
"""
import argparse
import sys
import zlib

import numpy as np
import onnx
from onnx import numpy_helper


def fan_in(dims):
    if len(dims) == 2:  # MatMul weights are [in, out]
        return dims[0]
    return int(np.prod(dims[1:])) or 1


def seeded_values(name, dims, rng, final_bias):
    lname = name.lower()
    if len(dims) >= 2 and ("embedding" in lname or "token" in lname):
        return rng.normal(0.0, 0.02, dims)
    if len(dims) >= 2:
        return rng.normal(0.0, 1.0 / np.sqrt(fan_in(dims)), dims)
    if "lambda" in lname or "layer_scale" in lname:
        return rng.uniform(0.05, 0.15, dims)
    if "norm" in lname and lname.endswith("weight"):
        return 1.0 + rng.normal(0.0, 0.05, dims)
    if name == final_bias:
        return 0.5 + rng.uniform(0.0, 0.1, dims)
    return rng.normal(0.0, 0.02, dims)


def final_conv(model):
    """Names (weight, bias) of the Conv feeding the ReLU that ends the graph, if any."""
    producer = {out: node for node in model.graph.node for out in node.output}
    node = producer.get(model.graph.output[0].name)
    while node is not None and node.op_type in ("Squeeze", "Reshape", "Unsqueeze"):
        node = producer.get(node.input[0])
    if node is None or node.op_type != "Relu":
        return None, None
    conv = producer.get(node.input[0])
    if conv is None or conv.op_type != "Conv" or len(conv.input) < 3:
        return None, None
    return conv.input[1], conv.input[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph")
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    model = onnx.load(args.graph, load_external_data=False)
    final_weight, final_bias = final_conv(model)
    replaced = 0
    for i, t in enumerate(model.graph.initializer):
        external = t.data_location == onnx.TensorProto.EXTERNAL
        float_bias = t.data_type == onnx.TensorProto.FLOAT and len(t.dims) == 1 and t.name.endswith("bias")
        if not external and not float_bias:
            continue
        if t.data_type != onnx.TensorProto.FLOAT:
            sys.exit(f"seed_weights: external initializer {t.name} is not float32")
        rng = np.random.default_rng([args.seed, zlib.crc32(t.name.encode())])
        values = seeded_values(t.name, list(t.dims), rng, final_bias)
        if t.name == final_weight:
            values = values * 0.1
        model.graph.initializer[i].CopyFrom(numpy_helper.from_array(values.astype(np.float32), t.name))
        replaced += 1
    onnx.save(model, args.out)
    print(f"seed_weights: {args.out}: {replaced} initializers seeded (seed {args.seed})")


if __name__ == "__main__":
    main()
