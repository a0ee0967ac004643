#!/usr/bin/python3
"""make_op_models.py OUT_DIR: one small ONNX model per operator case the engine supports.

Each model has one float input "x" (fixed shape) and one output "y"; operands that must be
computed tensors are derived from x inside the graph. Cases that start with a 1x1 Conv see the
engine's NHWC activations, the others its plain layout. Weights are seeded random values.
op_parity.mjs runs every model with the engine and with ONNX Runtime and compares.
Needs Debian's python3-onnx and python3-numpy.
"""
import json
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

RNG = np.random.default_rng(7)
OPSET = 18


def const(name, value, dtype=np.float32):
    return numpy_helper.from_array(np.asarray(value, dtype=dtype), name)


def rand(name, shape, scale=0.5):
    return const(name, RNG.normal(0.0, scale, shape))


def model(name, x_shape, nodes, inits, y_shape=None, opset=OPSET):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, y_shape)
    graph = helper.make_graph(nodes, name, [x], [y], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="depthview-op-tests")
    m.ir_version = 8
    return name, m


def conv1x1(src, dst, cin, cout, prefix):
    """A 1x1 conv so the next op sees an NHWC activation in the engine."""
    return ([helper.make_node("Conv", [src, prefix + "_w", prefix + "_b"], [dst])],
            [rand(prefix + "_w", [cout, cin, 1, 1]), rand(prefix + "_b", [cout], 0.1)])


def cases():
    n = helper.make_node
    out = []
    # --- convolutions
    for tag, attrs, w in [
        ("conv3x3", dict(pads=[1, 1, 1, 1]), [8, 4, 3, 3]),
        ("conv_stride2_asym", dict(pads=[0, 0, 1, 1], strides=[2, 2]), [8, 4, 3, 3]),
        ("conv_depthwise", dict(pads=[1, 1, 1, 1], group=4), [4, 1, 3, 3]),
        ("conv_grouped", dict(group=2), [6, 2, 1, 1]),
        ("conv_dilated", dict(pads=[2, 2, 2, 2], dilations=[2, 2]), [5, 4, 3, 3]),
        ("conv_same_upper", dict(auto_pad="SAME_UPPER", strides=[2, 2]), [6, 4, 3, 3]),
        ("conv_no_bias_5x5", dict(pads=[2, 2, 2, 2]), [3, 4, 5, 5]),
    ]:
        inputs = ["x", "w"] + ([] if "no_bias" in tag else ["b"])
        inits = [rand("w", w)] + ([] if "no_bias" in tag else [rand("b", [w[0]], 0.1)])
        out.append(model(tag, [1, 4, 9, 11], [n("Conv", inputs, ["y"], **attrs)], inits))
    out.append(model("conv_transpose_s2", [1, 4, 5, 6],
                     [n("ConvTranspose", ["x", "w", "b"], ["y"], strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])],
                     [rand("w", [4, 3, 4, 4]), rand("b", [3], 0.1)]))
    out.append(model("conv_transpose_k2", [1, 4, 5, 6], [n("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2])],
                     [rand("w", [4, 5, 2, 2])]))
    # --- activations (plain layout and after a conv)
    for op, attrs, extra in [("Relu", {}, []), ("LeakyRelu", dict(alpha=0.2), []), ("Sigmoid", {}, []),
                             ("Tanh", {}, []), ("Clip", {}, ["lo", "hi"])]:
        inits = [const("lo", -0.3), const("hi", 0.4)] if extra else []
        out.append(model(op.lower(), [2, 3, 5], [n(op, ["x"] + extra, ["y"], **attrs)], inits))
        nodes, cinits = conv1x1("x", "c", 3, 4, "p")
        out.append(model("conv_" + op.lower(), [1, 3, 6, 7], nodes + [n(op, ["c"] + extra, ["y"], **attrs)], inits + cinits))
    # --- elementwise with broadcasting
    for op in ["Add", "Sub", "Mul", "Div"]:
        out.append(model(op.lower() + "_const_bcast", [2, 3, 4], [n(op, ["x", "k"], ["y"])], [rand("k", [3, 1]) if op != "Div" else const("k", RNG.uniform(0.5, 2.0, [3, 1]))]))
        nodes, cinits = conv1x1("x", "c", 3, 5, "p")
        out.append(model("conv_" + op.lower() + "_channel_const", [1, 3, 4, 6],
                         nodes + [n(op, ["c", "k"], ["y"])], cinits + [const("k", RNG.uniform(0.5, 2.0, [1, 5, 1, 1]))]))
    nodes, cinits = conv1x1("x", "c", 3, 3, "p")
    out.append(model("conv_add_plain_activation", [1, 3, 4, 5], nodes + [n("Sigmoid", ["x"], ["s"]), n("Add", ["c", "s"], ["y"])], cinits))
    # --- resize
    for tag, attrs, scales in [
        ("resize_nearest_x2", dict(mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor"), [1, 1, 2, 2]),
        ("resize_linear_align_corners", dict(mode="linear", coordinate_transformation_mode="align_corners"), [1, 1, 2, 2]),
        ("resize_linear_half_pixel", dict(mode="linear", coordinate_transformation_mode="half_pixel"), [1, 1, 2, 2]),
        ("resize_linear_pytorch_half_pixel", dict(mode="linear", coordinate_transformation_mode="pytorch_half_pixel"), [1, 1, 2, 2]),
        ("resize_linear_asymmetric", dict(mode="linear", coordinate_transformation_mode="asymmetric"), [1, 1, 2, 2]),
    ]:
        out.append(model(tag, [1, 3, 5, 7], [n("Resize", ["x", "", "scales"], ["y"], **attrs)], [const("scales", scales)]))
    out.append(model("resize_linear_sizes", [1, 3, 5, 7],
                     [n("Resize", ["x", "", "", "sizes"], ["y"], mode="linear", coordinate_transformation_mode="align_corners")],
                     [const("sizes", [1, 3, 9, 4], np.int64)]))
    # upsampling then a 1x1 conv: the engine runs the conv first (they commute), with the
    # activation only for nearest; cases where it must not swap are here too
    for tag, attrs, cout, act in [
        ("upsample_nearest_conv1x1_relu", dict(mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor"), 2, True),
        ("upsample_linear_conv1x1", dict(mode="linear", coordinate_transformation_mode="align_corners"), 3, False),
        ("upsample_linear_conv1x1_relu", dict(mode="linear", coordinate_transformation_mode="align_corners"), 3, True),
        ("upsample_linear_conv1x1_wider", dict(mode="linear", coordinate_transformation_mode="half_pixel"), 6, False),
    ]:
        nodes = [n("Resize", ["x", "", "scales"], ["r"], **attrs), n("Conv", ["r", "w", "b"], ["c" if act else "y"])]
        if act:
            nodes.append(n("Relu", ["c"], ["y"]))
        out.append(model(tag, [1, 4, 5, 7], nodes, [const("scales", [1, 1, 2, 2]), rand("w", [cout, 4, 1, 1]), rand("b", [cout], 0.3)]))
    # nearest upsampling read only by an elementwise op with another activation (FastDepth's skip
    # connections): the engine does both in one broadcast op; the other operand is computed after
    # the resize in node order in one case, the resize is read twice (no fusion) in another
    near = dict(mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor")
    for tag, op, resize_first, twice in [
        ("upsample_nearest_add_skip", "Add", True, False),
        ("upsample_nearest_sub_skip_first", "Sub", False, False),
        ("upsample_nearest_div_skip", "Div", True, False),
        ("upsample_nearest_add_read_twice", "Add", True, True),
    ]:
        nodes, cinits = conv1x1("x", "c", 4, 4, "p")
        skip_nodes, skip_inits = conv1x1("x", "s0", 4, 4, "q")
        nodes += [n("Resize", ["c", "", "scales"], ["r"], **near)]
        nodes += skip_nodes + [n("Resize", ["s0", "", "scales"], ["s1"], **near), n("Sigmoid", ["s1"], ["s"])]
        if op == "Div":
            nodes.append(n("Add", ["s", "one"], ["s2"]))  # keep the divisor away from 0
        other = "s2" if op == "Div" else "s"
        nodes.append(n(op, ["r", other] if resize_first else [other, "r"], ["e"] if twice else ["y"]))
        if twice:
            nodes.append(n("Mul", ["e", "r"], ["y"]))
        out.append(model(tag, [1, 4, 3, 5], nodes, cinits + skip_inits + [const("scales", [1, 1, 2, 2]), const("one", 1.0)]))
    # resizes of a constant (position embeddings resized to the patch grid): folded by the engine
    for tag, attrs, src, dst in [
        ("resize_const_cubic_pytorch_half_pixel", dict(mode="cubic", coordinate_transformation_mode="pytorch_half_pixel"), [1, 4, 6, 6], [1, 4, 9, 5]),
        ("resize_const_cubic_half_pixel_down", dict(mode="cubic", coordinate_transformation_mode="half_pixel"), [1, 4, 7, 7], [1, 4, 3, 4]),
        ("resize_const_cubic_align_corners", dict(mode="cubic", coordinate_transformation_mode="align_corners", cubic_coeff_a=-0.5), [1, 2, 5, 4], [1, 2, 8, 9]),
        ("resize_const_cubic_exclude_outside", dict(mode="cubic", exclude_outside=1), [1, 2, 5, 6], [1, 2, 11, 7]),
        ("resize_const_cubic_asymmetric", dict(mode="cubic", coordinate_transformation_mode="asymmetric"), [1, 2, 4, 4], [1, 2, 8, 6]),
        ("resize_const_linear_half_pixel", dict(mode="linear"), [1, 3, 4, 5], [1, 3, 7, 3]),
        ("resize_const_nearest_round", dict(mode="nearest"), [1, 3, 4, 5], [1, 3, 7, 9]),
    ]:
        out.append(model(tag, dst, [n("Resize", ["k", "", "", "sizes"], ["r"], **attrs), n("Add", ["x", "r"], ["y"])],
                         [rand("k", src, 1.0), const("sizes", dst, np.int64)]))
    out.append(model("resize_const_cubic_scales", [1, 2, 7, 10],
                     [n("Resize", ["k", "", "scales"], ["r"], mode="cubic"), n("Add", ["x", "r"], ["y"])],
                     [rand("k", [1, 2, 4, 4], 1.0), const("scales", [1, 1, 1.75, 2.5])]))
    # --- structure
    nodes, cinits = conv1x1("x", "c", 3, 4, "p")
    out.append(model("concat_channels_nhwc", [1, 3, 4, 5], nodes + [n("Relu", ["x"], ["r"]), n("Concat", ["c", "r"], ["y"], axis=1)], cinits))
    out.append(model("concat_3d_const", [1, 4, 6], [n("Concat", ["k", "x"], ["y"], axis=1)], [rand("k", [1, 2, 6])]))
    out.append(model("transpose_3d", [2, 3, 4], [n("Transpose", ["x"], ["y"], perm=[0, 2, 1])], []))
    nodes, cinits = conv1x1("x", "c", 3, 6, "p")
    out.append(model("conv_reshape_transpose_tokens", [1, 3, 4, 5],
                     nodes + [n("Reshape", ["c", "shape"], ["t"]), n("Transpose", ["t"], ["y"], perm=[0, 2, 1])],
                     cinits + [const("shape", [1, 6, 20], np.int64)]))
    out.append(model("slice_steps1", [2, 6, 8], [n("Slice", ["x", "st", "en", "ax"], ["y"])],
                     [const("st", [1, 2], np.int64), const("en", [5, 2**63 - 1], np.int64), const("ax", [1, 2], np.int64)]))
    out.append(model("squeeze_unsqueeze", [1, 1, 4, 5], [n("Squeeze", ["x", "a"], ["s"]), n("Unsqueeze", ["s", "b"], ["y"])],
                     [const("a", [1], np.int64), const("b", [2], np.int64)]))
    # shape chain folded at load time: y = reshape(x, [shape[0], -1])
    out.append(model("shape_chain_reshape", [2, 3, 4],
                     [n("Shape", ["x"], ["s"], start=0, end=1), n("Concat", ["s", "m1"], ["shape"], axis=0),
                      n("Reshape", ["x", "shape"], ["y"])], [const("m1", [-1], np.int64)]))
    # --- transformer pieces
    out.append(model("matmul_const_bias", [2, 5, 8], [n("MatMul", ["x", "w"], ["m"]), n("Add", ["m", "b"], ["y"])],
                     [rand("w", [8, 6]), rand("b", [6], 0.1)]))
    out.append(model("matmul_const_no_bias", [5, 8], [n("MatMul", ["x", "w"], ["y"])], [rand("w", [8, 3])]))
    out.append(model("matmul_batched_attention", [1, 2, 5, 4],
                     [n("Transpose", ["x"], ["xt"], perm=[0, 1, 3, 2]), n("MatMul", ["x", "xt"], ["s"]),
                      n("Softmax", ["s"], ["y"], axis=-1)], []))
    out.append(model("layer_norm", [2, 5, 8], [n("LayerNormalization", ["x", "g", "b"], ["y"], axis=-1, epsilon=1e-6)],
                     [const("g", 1.0 + RNG.normal(0, 0.1, [8])), rand("b", [8], 0.1)]))
    out.append(model("softmax_last", [3, 7], [n("Softmax", ["x"], ["y"], axis=-1)], []))
    out.append(model("gelu_erf_pattern", [2, 6],
                     [n("Div", ["x", "sqrt2"], ["d"]), n("Erf", ["d"], ["e"]), n("Add", ["e", "one"], ["a"]),
                      n("Mul", ["a", "half"], ["h"]), n("Mul", ["x", "h"], ["y"])],
                     [const("sqrt2", 1.4142135), const("one", 1.0), const("half", 0.5)]))
    out += attention_block_cases(n)
    return out


def attention_block_cases(n):
    """A transformer block's attention as Depth Anything V2 exports it: the engine folds LayerNorm's
    scale and bias, the query/key scaling and the LayerScale into the projections' weights."""
    def block(tag, shared_weight=False, ln_extra_reader=False):
        tokens, dim = 6, 8
        nodes = [n("LayerNormalization", ["x", "g", "beta"], ["ln"], axis=-1, epsilon=1e-6)]
        inits = [const("g", 1.0 + RNG.normal(0, 0.1, [dim])), rand("beta", [dim], 0.1), const("s", 0.7),
                 const("lam", RNG.uniform(0.05, 0.15, [dim])), const("kshape", [1, tokens, 2, dim // 2], np.int64),
                 const("kflat", [1, tokens, dim], np.int64)]
        for p in "qkv":
            w = "wq" if shared_weight and p == "k" else "w" + p
            nodes += [n("MatMul", ["ln", w], [p + "m"]), n("Add", [p + "m", "b" + p], [p + "a"])]
            inits += [rand("b" + p, [dim], 0.1)] + ([] if w != "w" + p else [rand(w, [dim, dim])])
        nodes += [n("Mul", ["qa", "s"], ["qs"]),
                  n("Reshape", ["ka", "kshape"], ["k4"]), n("Transpose", ["k4"], ["kt4"], perm=[0, 2, 1, 3]),
                  n("Transpose", ["kt4"], ["k4b"], perm=[0, 2, 1, 3]), n("Reshape", ["k4b", "kflat"], ["kr"]),
                  n("Mul", ["s", "kr"], ["ks"]), n("Transpose", ["ks"], ["kt"], perm=[0, 2, 1]),
                  n("MatMul", ["qs", "kt"], ["att"]), n("Softmax", ["att"], ["p"], axis=-1),
                  n("MatMul", ["p", "va"], ["o"]), n("Mul", ["o", "lam"], ["ol"])]
        last = "ol"
        if ln_extra_reader:
            nodes.append(n("Add", ["ol", "ln"], ["olr"]))
            last = "olr"
        nodes.append(n("Add", [last, "x"], ["y"]))
        return model(tag, [1, tokens, dim], nodes, inits)
    return [block("fold_attention_block"), block("fold_attention_shared_weight", shared_weight=True),
            block("fold_attention_norm_read_twice", ln_extra_reader=True)]


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    manifest = []
    for name, m in cases():
        path = os.path.join(out_dir, name + ".onnx")
        save(m, path)
        manifest.append({"name": name, "file": path})
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"make_op_models: {len(manifest)} models in {out_dir}")


if __name__ == "__main__":
    main()
