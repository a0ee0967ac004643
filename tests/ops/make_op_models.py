#!/usr/bin/python3
"""make_op_models.py OUT_DIR: small ONNX models, one per operator case, and OUT_DIR/manifest.json.

Each model has one float input "x" (fixed shape) and one or more outputs ("y" first); operands
that must be computed tensors are derived from x inside the graph. The engine keeps 4-D
activations in NHWC (a 4-D x, or a 1x1 Conv's output) and others in their plain layout, so most
operators have cases of both kinds. Weights are seeded random values. op_parity.mjs runs every
model with the engine and with ONNX Runtime and compares.

A manifest entry: name, file, ops (the ONNX operators the case tests: every node type except the
helper nodes that only make an operand, e.g. an NHWC activation), input (x's shape), outputs,
nmse (bound on sum((ours-ref)^2) / sum(ref^2)), int8_nmse (present when the case has a
quantizable operator, MatMul with a constant 2-D right operand or of two activations, or a
non-grouped Conv: it runs in
int8 too), unsupported (a regular expression the engine's refusal must match: the engine refuses
it on purpose, and the test is that it says so clearly), invalid (a regular expression the
engine's error must match: the model is broken, ONNX Runtime refuses it too, and the test is one
clear error naming the node), float_file (for a case made by a conversion of tests/tools/quantize.py:
the float model it was made from, or for weight-only 4-bit cases that model with the dequantized
weights; tests/ops/ort_cases.mjs measures ONNX Runtime's difference between the two).
Operators of another domain than ONNX's are named DOMAIN.OP (com.microsoft.MatMulNBits).
Needs Debian's python3-onnx and python3-numpy.
"""
import json
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import quantize as q  # noqa: E402  (the converters of the published fp16 / 8-bit / 4-bit files)

RNG = np.random.default_rng(7)
OPSET = 18
NMSE = 1e-7       # fp32: XNNPACK's kernels and ORT's differ by rounding (measured: 0 .. 3e-13)
INT8_NMSE = 1e-3  # int8 weights per output channel, activations per row (measured: 2e-7 .. 6e-5)
# MatMul of two activations in int8 mode (the engine's int8 batch matmul, rows x columns quantized
# per run; measured 2e-7 .. 6.2e-6 natively and in both wasm builds)
ATTENTION_INT8_NMSE = 3e-5
HELPER = "helper_"  # name prefix of nodes that only make an operand (not what the case tests)

NEAREST = dict(mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor")


def const(name, value, dtype=np.float32):
    return numpy_helper.from_array(np.asarray(value, dtype=dtype), name)


def rand(name, shape, scale=0.5):
    return const(name, RNG.normal(0.0, scale, shape))


def ints(name, value):
    return const(name, value, np.int64)


def n(op, inputs, outputs, **attrs):
    """A node under test, named after its first output (engine messages name the node)."""
    return helper.make_node(op, inputs, outputs, name=f"{op}_{outputs[0]}", **attrs)


def h(op, inputs, outputs, **attrs):
    """A helper node: makes an operand, is not what the case tests."""
    return helper.make_node(op, inputs, outputs, name=f"{HELPER}{op}_{outputs[0]}", **attrs)


def conv1x1(src, dst, cin, cout, prefix):
    """A helper 1x1 conv: the next op sees an NHWC activation in the engine."""
    return ([h("Conv", [src, prefix + "_w", prefix + "_b"], [dst])],
            [rand(prefix + "_w", [cout, cin, 1, 1]), rand(prefix + "_b", [cout], 0.1)])


def positive(src, dst, offset=0.1):
    """A helper computed operand > 0 (a divisor, a square root's input): sigmoid(src) + offset."""
    return [h("Sigmoid", [src], [dst + "_s"]), h("Add", [dst + "_s", dst + "_o"], [dst])], [const(dst + "_o", offset)]


def quantizable(node, inits):
    """What dv_precision_int8 quantizes: MatMul with a constant 2-D right operand or of two
    activations (the engine's int8 batch matmul), non-grouped Conv."""
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    if node.op_type == "Conv":
        return attrs.get("group", 1) == 1 and node.input[1] in inits
    if node.op_type != "MatMul":
        return False
    return len(inits[node.input[1]].dims) == 2 if node.input[1] in inits else node.input[0] not in inits


def op_name(node):
    return f"{node.domain}.{node.op_type}" if node.domain else node.op_type


def case(name, x_shape, nodes, inits=(), outputs=("y",), opset=OPSET, nmse=NMSE, int8_nmse=INT8_NMSE, unsupported=None,
         invalid=None):
    """One model and its manifest entry (int8_nmse is kept only when the case has a quantizable op)."""
    used = {i for nd in nodes for i in nd.input}
    inits = [t for t in inits if t.name in used]  # ORT warns about unused ones
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
                              [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs], inits)
    domains = sorted({nd.domain for nd in nodes if nd.domain})
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)] + [helper.make_opsetid(d, 1) for d in domains],
                          producer_name="depthview-op-tests")
    m.ir_version = 9 if opset >= 19 else 8
    return entry_of(name, x_shape, m, outputs, nmse, int8_nmse, unsupported, invalid), m


def entry_of(name, x_shape, m, outputs=("y",), nmse=NMSE, int8_nmse=INT8_NMSE, unsupported=None, invalid=None):
    """The manifest entry of model m."""
    by_name = {t.name: t for t in m.graph.initializer}
    tested = [nd for nd in m.graph.node if not nd.name.startswith(HELPER)]
    entry = dict(name=name, ops=sorted({op_name(nd) for nd in tested}), input=list(x_shape), outputs=list(outputs), nmse=nmse)
    if any(quantizable(nd, by_name) for nd in tested) and unsupported is None and invalid is None:
        entry["int8_nmse"] = int8_nmse
    if unsupported:
        entry["unsupported"] = unsupported
    if invalid:
        entry["invalid"] = invalid
    return entry


def shape_tag(shape):
    return "x".join(map(str, shape))


# ----------------------------------------------------------------------------- convolutions
def conv_cases():
    out = []
    # (tag, attributes, output channels, kernel, bias); each at two input shapes
    specs = [
        ("conv3x3", dict(pads=[1, 1, 1, 1]), 8, 3, True),
        ("conv_stride2_asym", dict(pads=[0, 0, 1, 1], strides=[2, 2]), 8, 3, True),
        ("conv_dilated", dict(pads=[2, 2, 2, 2], dilations=[2, 2]), 5, 3, True),
        ("conv_same_upper_s2", dict(auto_pad="SAME_UPPER", strides=[2, 2]), 6, 3, True),
        ("conv_same_lower_k4", dict(auto_pad="SAME_LOWER"), 4, 4, True),
        ("conv_valid_s2", dict(auto_pad="VALID", strides=[2, 2]), 5, 3, True),
        ("conv_no_bias_5x5", dict(pads=[2, 2, 2, 2]), 3, 5, False),
    ]
    for tag, attrs, cout, k, bias in specs:
        for shape in ([1, 4, 9, 11], [2, 3, 8, 7]):
            inputs = ["x", "w"] + (["b"] if bias else [])
            inits = [rand("w", [cout, shape[1], k, k])] + ([rand("b", [cout], 0.1)] if bias else [])
            out.append(case(f"{tag}_{shape_tag(shape)}", shape, [n("Conv", inputs, ["y"], **attrs)], inits))
    for shape in ([1, 4, 9, 11], [2, 6, 7, 5]):
        c = shape[1]
        out.append(case(f"conv_depthwise_{shape_tag(shape)}", shape, [n("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1], group=c)],
                        [rand("w", [c, 1, 3, 3]), rand("b", [c], 0.1)]))
    for shape, cout in (([1, 4, 9, 11], 6), ([1, 6, 6, 5], 4)):
        out.append(case(f"conv_grouped_{shape_tag(shape)}", shape, [n("Conv", ["x", "w", "b"], ["y"], group=2)],
                        [rand("w", [cout, shape[1] // 2, 1, 1]), rand("b", [cout], 0.1)]))
    # transposed convolutions
    for shape in ([1, 4, 5, 6], [2, 3, 4, 4]):
        out.append(case(f"conv_transpose_s2_{shape_tag(shape)}", shape,
                        [n("ConvTranspose", ["x", "w", "b"], ["y"], strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1])],
                        [rand("w", [shape[1], 3, 4, 4]), rand("b", [3], 0.1)]))
    for shape in ([1, 4, 5, 6], [1, 2, 3, 7]):
        out.append(case(f"conv_transpose_k2_{shape_tag(shape)}", shape, [n("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2])],
                        [rand("w", [shape[1], 5, 2, 2])]))
    out.append(case("conv_transpose_grouped", [1, 4, 5, 6], [n("ConvTranspose", ["x", "w", "b"], ["y"], group=2, strides=[2, 2])],
                    [rand("w", [4, 3, 3, 3]), rand("b", [6], 0.1)]))
    out.append(case("conv_transpose_relu", [1, 4, 5, 6], [n("ConvTranspose", ["x", "w", "b"], ["t"], strides=[2, 2]), n("Relu", ["t"], ["y"])],
                    [rand("w", [4, 3, 2, 2]), rand("b", [3], 0.1)]))
    out.append(case("conv_transpose_auto_pad", [1, 4, 5, 6],
                    [n("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2], auto_pad="SAME_UPPER")], [rand("w", [4, 3, 3, 3])],
                    unsupported="ConvTranspose.*auto_pad|auto_pad.*ConvTranspose"))
    return out


# ----------------------------------------------------------------------------- activations
def activation_cases():
    out = []
    for op, attrs, extra in [("Relu", {}, []), ("LeakyRelu", dict(alpha=0.2), []), ("Sigmoid", {}, []),
                             ("Tanh", {}, []), ("Clip", {}, ["lo", "hi"])]:
        inits = [const("lo", -0.3), const("hi", 0.4)] if extra else []
        for shape in ([2, 3, 5], [5, 17]):
            out.append(case(f"{op.lower()}_{shape_tag(shape)}", shape, [n(op, ["x"] + extra, ["y"], **attrs)], inits))
        nodes, cinits = conv1x1("x", "c", 3, 4, "p")
        out.append(case("conv1x1_then_" + op.lower(), [1, 3, 6, 7], nodes + [n(op, ["c"] + extra, ["y"], **attrs)], inits + cinits))
    out.append(case("clip_min_only", [2, 3, 5], [n("Clip", ["x", "lo"], ["y"])], [const("lo", -0.2)]))
    out.append(case("clip_max_only_nhwc", [1, 3, 4, 5], [n("Clip", ["x", "", "hi"], ["y"])], [const("hi", 0.3)]))
    # Conv + activation: the engine (and XNNPACK) fuse the clamp into the convolution
    for tag, shape, act in [("conv_relu", [2, 3, 6, 5], "relu"), ("conv_clip6", [1, 4, 7, 9], "clip6"),
                            ("conv_clip6_s2", [2, 3, 9, 8], "clip6")]:
        nodes = [n("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1], strides=[2, 2] if "s2" in tag else [1, 1])]
        inits = [rand("w", [5, shape[1], 3, 3], 1.0), rand("b", [5], 0.5)]
        if act == "relu":
            nodes.append(n("Relu", ["c"], ["y"]))
        else:
            nodes.append(n("Clip", ["c", "zero", "six"], ["y"]))
            inits += [const("zero", 0.0), const("six", 6.0)]
        out.append(case(tag, shape, nodes, inits))
    # Clip before opset 11: bounds as attributes
    out.append(case("conv_clip6_opset10", [1, 3, 6, 7], [n("Conv", ["x", "w", "b"], ["c"]), n("Clip", ["c"], ["y"], min=0.0, max=6.0)],
                    [rand("w", [4, 3, 1, 1], 4.0), rand("b", [4], 1.0)], opset=10))
    # bounds that XNNPACK's own clamp fusion wrote over a padded convolution's padding (min > 0,
    # max < 0), and a ConvTranspose and a fully-connected MatMul with a fused Clip
    for tag, lo, hi in (("positive_min", 0.2, 0.9), ("negative_max", -3.0, -0.1)):
        out.append(case(f"conv3x3_clip_{tag}", [1, 3, 6, 7],
                        [n("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]), n("Clip", ["c", "lo", "hi"], ["y"])],
                        [rand("w", [4, 3, 3, 3]), rand("b", [4], 0.1), const("lo", lo), const("hi", hi)]))
    out.append(case("conv_transpose_clip_positive_min", [1, 4, 5, 6],
                    [n("ConvTranspose", ["x", "w"], ["c"], strides=[2, 2], pads=[1, 1, 1, 1]), n("Clip", ["c", "lo", "hi"], ["y"])],
                    [rand("w", [4, 3, 4, 4]), const("lo", 0.1), const("hi", 0.8)]))
    out.append(case("matmul_bias_clip_positive_min", [2, 5, 8],
                    [n("MatMul", ["x", "w"], ["m"]), n("Add", ["m", "b"], ["a"]), n("Clip", ["a", "lo", "hi"], ["y"])],
                    [rand("w", [8, 6]), rand("b", [6], 0.1), const("lo", 0.1), const("hi", 0.7)]))
    # must not fuse: the conv's output is read by something else too
    out.append(case("conv_relu_conv_read_twice", [1, 3, 5, 6],
                    [n("Conv", ["x", "w", "b"], ["c"]), n("Relu", ["c"], ["r"]), n("Add", ["r", "c"], ["y"])],
                    [rand("w", [4, 3, 1, 1]), rand("b", [4], 0.1)]))
    out.append(case("conv_relu_conv_also_output", [1, 3, 5, 6],
                    [n("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]), n("Relu", ["c"], ["y"])],
                    [rand("w", [4, 3, 3, 3]), rand("b", [4], 0.1)], outputs=("y", "c")))
    return out


def new_unary_cases():
    """Computed unary ops the engine is gaining (HardSwish, Elu, Gelu, Sqrt, Neg, Floor, Ceil)."""
    out = []
    for op, attrs, opset in [("HardSwish", {}, OPSET), ("Elu", dict(alpha=0.7), OPSET), ("Neg", {}, OPSET),
                             ("Gelu", {}, 20), ("Gelu", dict(approximate="tanh"), 20)]:
        tag = op.lower() + ("_tanh" if attrs.get("approximate") == "tanh" else "")
        # x * 3 reaches HardSwish's and Gelu's curved parts (|x| < 3)
        out.append(case(f"{tag}_2x3x5", [2, 3, 5], [h("Mul", ["x", "three"], ["m"]), n(op, ["m"], ["y"], **attrs)],
                        [const("three", 3.0)], opset=opset))
        nodes, cinits = conv1x1("x", "c", 3, 4, "p")
        out.append(case(f"conv1x1_then_{tag}", [1, 3, 4, 6], nodes + [n(op, ["c"], ["y"], **attrs)], cinits, opset=opset))
    for shape in ([2, 3, 5], [1, 3, 4, 6]):
        pos_nodes, pos_inits = positive("x", "p")
        out.append(case(f"sqrt_{shape_tag(shape)}", shape, pos_nodes + [n("Sqrt", ["p"], ["y"])], pos_inits))
    # x * 2.5 is computed identically by both runtimes, so no value sits on the other side of an integer
    for op in ["Floor", "Ceil"]:
        for shape in ([2, 3, 5], [1, 3, 4, 6]):
            out.append(case(f"{op.lower()}_{shape_tag(shape)}", shape, [h("Mul", ["x", "k"], ["m"]), n(op, ["m"], ["y"])],
                            [const("k", 2.5)]))
    # Min/Max of two activations (sigmoid(x) - 0.5 crosses x at 0 only; their order varies)
    for op in ["Min", "Max"]:
        for shape in ([2, 3, 5], [2, 3, 4, 5]):
            out.append(case(f"{op.lower()}_activations_{shape_tag(shape)}", shape,
                            [h("Sigmoid", ["x"], ["s"]), h("Sub", ["s", "half"], ["t"]), n(op, ["x", "t"], ["y"])],
                            [const("half", 0.5)]))
    for shape, axis in (([2, 3, 5], 1), ([2, 3, 4, 5], 1), ([2, 3, 4, 5], 2)):
        out.append(case(f"flatten_axis{axis}_{shape_tag(shape)}", shape, [n("Flatten", ["x"], ["y"], axis=axis)]))
    return out


# ----------------------------------------------------------------------------- elementwise
def elementwise_cases():
    out = []
    for op in ["Add", "Sub", "Mul", "Div"]:
        lo = op.lower()
        k = (lambda name, shape: const(name, RNG.uniform(0.5, 2.0, shape))) if op == "Div" else rand
        out.append(case(f"{lo}_const_bcast_2x3x4", [2, 3, 4], [n(op, ["x", "k"], ["y"])], [k("k", [3, 1])]))
        nodes, cinits = conv1x1("x", "c", 3, 5, "p")
        out.append(case(f"conv1x1_then_{lo}_channel_const", [1, 3, 4, 6], nodes + [n(op, ["c", "k"], ["y"])],
                        cinits + [const("k", RNG.uniform(0.5, 2.0, [1, 5, 1, 1]))]))
        # two activations, broadcast: x [2,3,4] with its first column [2,3,1]
        nodes = [h("Slice", ["x", "s0", "s1", "s2"], ["col"])]
        inits = [ints("s0", [0]), ints("s1", [1]), ints("s2", [2])]
        other = "col"
        if op == "Div":
            pos_nodes, pos_inits = positive("col", "pc", 0.5)
            nodes, inits, other = nodes + pos_nodes, inits + pos_inits, "pc"
        out.append(case(f"{lo}_activations_bcast_2x3x4", [2, 3, 4], nodes + [n(op, ["x", other], ["y"])], inits))
        # a constant first operand against an NHWC activation (the order matters for Sub, Div)
        if op == "Div":
            pos_nodes, pos_inits = positive("x", "px", 0.5)
            out.append(case(f"{lo}_const_first_2x3x3x5", [2, 3, 3, 5], pos_nodes + [n(op, ["k", "px"], ["y"])],
                            pos_inits + [k("k", [3, 1, 1])]))
        else:
            out.append(case(f"{lo}_const_first_2x3x3x5", [2, 3, 3, 5], [n(op, ["k", "x"], ["y"])], [k("k", [3, 1, 1])]))
    out.append(case("mul_scalar_5x7", [5, 7], [n("Mul", ["x", "k"], ["y"])], [const("k", -1.75)]))
    nodes, cinits = conv1x1("x", "c", 3, 3, "p")
    out.append(case("conv1x1_then_add_nhwc_and_plain", [1, 3, 4, 5], nodes + [h("Sigmoid", ["x"], ["s"]), n("Add", ["c", "s"], ["y"])], cinits))
    for shape in ([2, 3, 4], [1, 3, 4, 5]):
        out.append(case(f"identity_{shape_tag(shape)}", shape, [h("Sigmoid", ["x"], ["s"]), n("Identity", ["s"], ["y"])]))
    return out


# ----------------------------------------------------------------------------- resize
def resize_cases():
    out = []
    for tag, attrs, shapes, scales in [
        ("resize_nearest_x2", NEAREST, ([1, 3, 5, 7], [2, 2, 3, 4]), [1, 1, 2, 2]),
        ("resize_nearest_x3x2", NEAREST, ([1, 2, 3, 4],), [1, 1, 3, 2]),
        ("resize_linear_align_corners", dict(mode="linear", coordinate_transformation_mode="align_corners"), ([1, 3, 5, 7], [2, 2, 4, 3]), [1, 1, 2, 2]),
        ("resize_linear_half_pixel", dict(mode="linear", coordinate_transformation_mode="half_pixel"), ([1, 3, 5, 7], [2, 2, 4, 3]), [1, 1, 2, 2]),
        ("resize_linear_pytorch_half_pixel", dict(mode="linear", coordinate_transformation_mode="pytorch_half_pixel"), ([1, 3, 5, 7],), [1, 1, 2, 2]),
        ("resize_linear_asymmetric", dict(mode="linear", coordinate_transformation_mode="asymmetric"), ([1, 3, 5, 7], [1, 2, 3, 3]), [1, 1, 2, 3]),
    ]:
        for shape in shapes:
            out.append(case(f"{tag}_{shape_tag(shape)}", shape, [n("Resize", ["x", "", "scales"], ["y"], **attrs)], [const("scales", scales)]))
    # sizes, down and up; an output of height 1 (where pytorch_half_pixel differs from half_pixel)
    # (XNNPACK samples the middle there: refused on activations)
    for sizes, coordinates, refused in (([1, 3, 9, 4], "align_corners", None), ([1, 3, 1, 12], "pytorch_half_pixel", "output side of 1")):
        out.append(case(f"resize_linear_sizes_{coordinates}_{shape_tag(sizes)}", [1, 3, 5, 7],
                        [n("Resize", ["x", "", "", "sizes"], ["y"], mode="linear", coordinate_transformation_mode=coordinates)],
                        [ints("sizes", sizes)], unsupported=refused))
    # refused on purpose: cubic on a computed tensor, antialiasing, non-spatial resizing
    out.append(case("resize_cubic_computed", [1, 2, 4, 5], [n("Resize", ["x", "", "scales"], ["y"], mode="cubic")],
                    [const("scales", [1, 1, 2, 2])], unsupported="cubic"))
    out.append(case("resize_linear_antialias", [1, 2, 8, 8], [n("Resize", ["x", "", "scales"], ["y"], mode="linear", antialias=1)],
                    [const("scales", [1, 1, 0.5, 0.5])], unsupported="antialias"))
    out.append(case("resize_channels", [1, 2, 4, 5], [n("Resize", ["x", "", "scales"], ["y"], **NEAREST)],
                    [const("scales", [1, 2, 1, 1])], unsupported="spatial"))
    # upsampling then a 1x1 conv: the engine runs the conv first (they commute), with the
    # activation only for nearest; cases where it must not swap are here too
    for tag, attrs, shape, cout, act in [
        ("upsample_nearest_conv1x1_relu", NEAREST, [1, 4, 5, 7], 2, True),
        ("upsample_nearest_conv1x1_b2", NEAREST, [2, 3, 3, 4], 3, False),
        ("upsample_linear_conv1x1", dict(mode="linear", coordinate_transformation_mode="align_corners"), [1, 4, 5, 7], 3, False),
        ("upsample_linear_conv1x1_b2", dict(mode="linear", coordinate_transformation_mode="half_pixel"), [2, 4, 3, 5], 2, False),
        ("upsample_linear_conv1x1_relu", dict(mode="linear", coordinate_transformation_mode="align_corners"), [1, 4, 5, 7], 3, True),
        ("upsample_linear_conv1x1_wider", dict(mode="linear", coordinate_transformation_mode="half_pixel"), [1, 4, 5, 7], 6, False),
    ]:
        nodes = [n("Resize", ["x", "", "scales"], ["r"], **attrs), n("Conv", ["r", "w", "b"], ["c" if act else "y"])]
        if act:
            nodes.append(n("Relu", ["c"], ["y"]))
        out.append(case(tag, shape, nodes, [const("scales", [1, 1, 2, 2]), rand("w", [cout, shape[1], 1, 1]), rand("b", [cout], 0.3)]))
    out.append(case("upsample_nearest_conv1x1_resize_also_output", [1, 4, 3, 5],
                    [n("Resize", ["x", "", "scales"], ["r"], **NEAREST), n("Conv", ["r", "w", "b"], ["y"])],
                    [const("scales", [1, 1, 2, 2]), rand("w", [2, 4, 1, 1]), rand("b", [2], 0.3)], outputs=("y", "r")))
    # nearest upsampling read only by an elementwise op with another activation (FastDepth's skip
    # connections): the engine does both in one broadcast op; the other operand is computed after
    # the resize in node order in one case, the resize is read twice (no fusion) in another
    for tag, op, shape, scales, resize_first, twice in [
        ("upsample_nearest_add_skip", "Add", [1, 4, 3, 5], [1, 1, 2, 2], True, False),
        ("upsample_nearest_add_skip_b2_x3", "Add", [2, 3, 2, 3], [1, 1, 3, 3], True, False),
        ("upsample_nearest_sub_skip_first", "Sub", [1, 4, 3, 5], [1, 1, 2, 2], False, False),
        ("upsample_nearest_mul_skip", "Mul", [1, 4, 3, 5], [1, 1, 2, 1], True, False),
        ("upsample_nearest_div_skip", "Div", [1, 4, 3, 5], [1, 1, 2, 2], True, False),
        ("upsample_nearest_add_read_twice", "Add", [1, 4, 3, 5], [1, 1, 2, 2], True, True),
    ]:
        c = shape[1]
        nodes, cinits = conv1x1("x", "c", c, c, "p")
        skip_nodes, skip_inits = conv1x1("x", "s0", c, c, "q")
        nodes += [n("Resize", ["c", "", "scales"], ["r"], **NEAREST)]
        nodes += skip_nodes + [h("Resize", ["s0", "", "scales"], ["s1"], **NEAREST), h("Sigmoid", ["s1"], ["s"])]
        if op == "Div":
            nodes.append(h("Add", ["s", "one"], ["s2"]))  # keep the divisor away from 0
        other = "s2" if op == "Div" else "s"
        nodes.append(n(op, ["r", other] if resize_first else [other, "r"], ["e"] if twice else ["y"]))
        if twice:
            nodes.append(n("Mul", ["e", "r"], ["y"]))
        out.append(case(tag, shape, nodes, cinits + skip_inits + [const("scales", scales), const("one", 1.0)]))
    nodes, cinits = conv1x1("x", "c", 4, 4, "p")
    out.append(case("upsample_nearest_add_resize_also_output", [1, 4, 3, 5],
                    nodes + [n("Resize", ["c", "", "scales"], ["r"], **NEAREST), h("Resize", ["x", "", "scales"], ["xr"], **NEAREST),
                             h("Sigmoid", ["xr"], ["s"]), n("Add", ["r", "s"], ["y"])], cinits + [const("scales", [1, 1, 2, 2])],
                    outputs=("y", "r")))
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
        out.append(case(tag, dst, [n("Resize", ["k", "", "", "sizes"], ["r"], **attrs), n("Add", ["x", "r"], ["y"])],
                        [rand("k", src, 1.0), ints("sizes", dst)]))
    out.append(case("resize_const_cubic_scales", [1, 2, 7, 10],
                    [n("Resize", ["k", "", "scales"], ["r"], mode="cubic"), n("Add", ["x", "r"], ["y"])],
                    [rand("k", [1, 2, 4, 4], 1.0), const("scales", [1, 1, 1.75, 2.5])]))
    return out


# ----------------------------------------------------------------------------- structure
def concat_cases():
    """Concat of 2..5 inputs over several axes: plain (rank 3) and NHWC (1x1 convs' outputs)."""
    out = []
    for count, axis in [(2, 0), (3, 1), (4, 2), (5, -1)]:
        nodes, parts = [], []
        for i in range(count):  # sizes along the axis differ: slices of x of growing length
            length = i + 1
            nodes.append(h("Slice", ["x", "zero", f"len{length}", "ax"], [f"part{i}"]))
            parts.append(f"part{i}")
        inits = [ints("zero", [0]), ints("ax", [axis])] + [ints(f"len{i + 1}", [i + 1]) for i in range(count)]
        out.append(case(f"concat{count}_plain_axis{axis}", [5, 6, 7], nodes + [n("Concat", parts, ["y"], axis=axis)], inits))
    out.append(case("concat2_plain_const", [1, 4, 6], [n("Concat", ["k", "x"], ["y"], axis=1)], [rand("k", [1, 2, 6])]))
    for count, axis, shape in [(2, 1, [1, 3, 4, 5]), (3, 1, [2, 3, 4, 5]), (3, 2, [1, 3, 4, 5]), (4, 3, [1, 2, 3, 5]),
                               (5, 1, [1, 3, 2, 3]), (5, -1, [2, 2, 3, 2])]:
        nodes, inits, parts = [], [], []
        for i in range(count):
            cout = shape[1] if axis != 1 else i + 1
            cn, ci = conv1x1("x", f"c{i}", shape[1], cout, f"p{i}")
            nodes, inits, parts = nodes + cn, inits + ci, parts + [f"c{i}"]
        out.append(case(f"concat{count}_nhwc_axis{axis}_{shape_tag(shape)}", shape, nodes + [n("Concat", parts, ["y"], axis=axis)], inits))
    # an NHWC activation (a conv's output), a plain 4-D one (x unsqueezed) and a constant, either first
    for tag, order in (("nhwc_first", ["c", "u", "k"]), ("plain_first", ["u", "k", "c"])):
        nodes, cinits = conv1x1("u", "c", 3, 4, "p")
        out.append(case(f"concat3_{tag}_mixed_layouts", [3, 4, 5], [h("Unsqueeze", ["x", "a0"], ["u"])] + nodes + [n("Concat", order, ["y"], axis=1)],
                        cinits + [ints("a0", [0]), rand("k", [1, 2, 4, 5])]))
    # more inputs than XNNPACK's concatenate5 (chained), plain and NHWC
    for count in (6, 11):
        nodes, parts = [], []
        for i in range(count):
            nodes.append(h("Sigmoid", ["x"], [f"s{i}"]))
            parts.append(f"s{i}")
        out.append(case(f"concat{count}_plain", [2, 3, 4], nodes + [n("Concat", parts, ["y"], axis=1)]))
    nodes, inits, parts = [], [], []
    for i in range(7):
        cn, ci = conv1x1("x", f"c{i}", 3, 2 + i % 3, f"p{i}")
        nodes, inits, parts = nodes + cn, inits + ci, parts + [f"c{i}"]
    out.append(case("concat7_nhwc_axis1_1x3x4x5", [1, 3, 4, 5], nodes + [n("Concat", parts, ["y"], axis=1)], inits))
    return out


def shape_op_cases():
    out = []
    for shape, perm in (([2, 3, 4], [0, 2, 1]), ([5, 7], [1, 0]), ([2, 3, 4, 5], [0, 2, 3, 1]), ([1, 3, 4, 5], [3, 1, 0, 2])):
        out.append(case(f"transpose_{shape_tag(shape)}_{''.join(map(str, perm))}", shape, [n("Transpose", ["x"], ["y"], perm=perm)]))
    nodes, cinits = conv1x1("x", "c", 3, 6, "p")
    out.append(case("conv1x1_then_reshape_transpose_tokens", [1, 3, 4, 5],
                    nodes + [n("Reshape", ["c", "shape"], ["t"]), n("Transpose", ["t"], ["y"], perm=[0, 2, 1])],
                    cinits + [ints("shape", [1, 6, 20])]))
    out.append(case("reshape_plain_zero_minus1", [2, 3, 4], [h("Relu", ["x"], ["r"]), n("Reshape", ["r", "shape"], ["y"])], [ints("shape", [0, -1])]))
    out.append(case("reshape_nhwc_to_3d", [2, 3, 4, 5], [h("Relu", ["x"], ["r"]), n("Reshape", ["r", "shape"], ["y"])], [ints("shape", [2, 3, -1])]))
    # one channel: the same data order in NCHW and NHWC, the engine reshapes without a transpose
    out.append(case("reshape_single_channel", [1, 1, 4, 6], [h("Relu", ["x"], ["r"]), n("Reshape", ["r", "shape"], ["y"])], [ints("shape", [1, 1, 6, 4])]))
    out.append(case("slice_steps1_2x6x8", [2, 6, 8], [n("Slice", ["x", "st", "en", "ax"], ["y"])],
                    [ints("st", [1, 2]), ints("en", [5, 2**63 - 1]), ints("ax", [1, 2])]))
    out.append(case("slice_negative_nhwc_1x3x6x7", [1, 3, 6, 7], [n("Slice", ["x", "st", "en", "ax"], ["y"])],
                    [ints("st", [-4, 1]), ints("en", [-1, 100]), ints("ax", [2, 3])]))
    out.append(case("slice_no_axes_5x9", [5, 9], [n("Slice", ["x", "st", "en"], ["y"])], [ints("st", [1, 3]), ints("en", [4, 8])]))
    out.append(case("slice_step2_computed", [2, 6, 8], [n("Slice", ["x", "st", "en", "ax", "step"], ["y"])],
                    [ints("st", [0]), ints("en", [8]), ints("ax", [2]), ints("step", [2])], unsupported="step"))
    out.append(case("squeeze_unsqueeze_1x1x4x5", [1, 1, 4, 5], [n("Squeeze", ["x", "a"], ["s"]), n("Unsqueeze", ["s", "b"], ["y"])],
                    [ints("a", [1]), ints("b", [2])]))
    out.append(case("squeeze_unsqueeze_3x1x5", [3, 1, 5], [h("Tanh", ["x"], ["t"]), n("Squeeze", ["t", "a"], ["s"]), n("Unsqueeze", ["s", "b"], ["y"])],
                    [ints("a", [1]), ints("b", [0])]))
    out.append(case("unsqueeze_to_4d_relu", [3, 4, 5], [n("Unsqueeze", ["x", "a"], ["u"]), n("Relu", ["u"], ["y"])], [ints("a", [0])]))
    return out


def fold_cases():
    """Operators that only fold (shape arithmetic and constants), feeding computed ops; each at two
    shapes, so the folded values differ."""
    out = []
    for shape in ([2, 3, 4], [3, 5, 2, 2]):  # y = reshape(x, [shape[0], -1])
        out.append(case(f"fold_shape_gather_reshape_{shape_tag(shape)}", shape,
                        [n("Shape", ["x"], ["s"]), n("Gather", ["s", "i0"], ["d0"], axis=0), n("Unsqueeze", ["d0", "a0"], ["d0u"]),
                         n("Concat", ["d0u", "m1"], ["shape"], axis=0), n("Reshape", ["x", "shape"], ["y"])],
                        [ints("i0", 0), ints("a0", [0]), ints("m1", [-1])]))
    for shape in ([2, 3, 7], [1, 2, 4, 8]):  # y = x[..., :floor(W / 2)]; y = x[..., :ceil(W * 0.5)]
        w = [n("Shape", ["x"], ["s"]), n("Gather", ["s", "last"], ["w"], axis=0), n("Cast", ["w"], ["wf"], to=TensorProto.FLOAT)]
        inits = [ints("last", [-1]), ints("zero", [0]), ints("ax", [-1])]
        out.append(case(f"fold_cast_div_floor_slice_{shape_tag(shape)}", shape,
                        w + [n("Div", ["wf", "two"], ["hf"]), n("Floor", ["hf"], ["hfl"]), n("Cast", ["hfl"], ["end"], to=TensorProto.INT64),
                             n("Slice", ["x", "zero", "end", "ax"], ["y"])], inits + [const("two", [2.0])]))
        out.append(case(f"fold_cast_mul_ceil_slice_{shape_tag(shape)}", shape,
                        w + [n("Mul", ["wf", "half"], ["hf"]), n("Ceil", ["hf"], ["hcl"]), n("Cast", ["hcl"], ["end"], to=TensorProto.INT64),
                             n("Slice", ["x", "zero", "end", "ax"], ["y"])], inits + [const("half", [0.5])]))
    for shape in ([2, 3, 7], [2, 4, 6]):  # y = x[..., :W - W % 2] (the even part)
        out.append(case(f"fold_mod_sub_slice_{shape_tag(shape)}", shape,
                        [n("Shape", ["x"], ["s"]), n("Gather", ["s", "last"], ["w"], axis=0), n("Mod", ["w", "two"], ["odd"]),
                         n("Sub", ["w", "odd"], ["end"]), n("Slice", ["x", "zero", "end", "ax"], ["y"])],
                        [ints("last", [-1]), ints("two", [2]), ints("zero", [0]), ints("ax", [-1])]))
    for shape in ([2, 3, 7], [2, 4, 4]):  # y = x[..., :W - (W > 4) - (H < 4) - (H == W)]
        out.append(case(f"fold_compare_slice_{shape_tag(shape)}", shape,
                        [n("Shape", ["x"], ["s"]), n("Gather", ["s", "last"], ["w"], axis=0), n("Gather", ["s", "mid"], ["hh"], axis=0),
                         n("Greater", ["w", "four"], ["g"]), n("Less", ["hh", "four"], ["l"]), n("Equal", ["hh", "w"], ["e"]),
                         n("Cast", ["g"], ["gi"], to=TensorProto.INT64), n("Cast", ["l"], ["li"], to=TensorProto.INT64),
                         n("Cast", ["e"], ["ei"], to=TensorProto.INT64), n("Sub", ["w", "gi"], ["w1"]), n("Sub", ["w1", "li"], ["w2"]),
                         n("Sub", ["w2", "ei"], ["end"]), n("Slice", ["x", "zero", "end", "ax"], ["y"])],
                        [ints("last", [-1]), ints("mid", [-2]), ints("four", [4]), ints("zero", [0]), ints("ax", [-1])]))
    for shape, kshape in (([2, 3, 4], [3, 1]), ([1, 3, 4, 5], [1, 3, 1, 1])):  # y = x + expand(k, shape(x))
        out.append(case(f"fold_expand_add_{shape_tag(shape)}", shape,
                        [n("Shape", ["x"], ["s"]), n("Expand", ["k", "s"], ["ke"]), n("Add", ["x", "ke"], ["y"])], [rand("k", kshape)]))
    for shape, cshape in (([2, 3, 4], [3, 1]), ([1, 3, 4, 5], [1, 3, 1, 1])):  # constants computed at load time
        out.append(case(f"fold_unary_consts_{shape_tag(shape)}", shape,
                        [n("Sqrt", ["c1"], ["r1"]), n("Neg", ["c2"], ["r2"]), n("Pow", ["c3", "p"], ["r3"]), n("Erf", ["c4"], ["r4"]),
                         n("Floor", ["c5"], ["r5"]), n("Ceil", ["c5"], ["r6"]),
                         n("Mul", ["x", "r1"], ["a"]), n("Mul", ["r2", "r3"], ["b"]), n("Add", ["a", "b"], ["c"]),
                         n("Add", ["c", "r4"], ["d"]), n("Sub", ["r5", "r6"], ["e"]), n("Add", ["d", "e"], ["y"])],
                        [const("c1", RNG.uniform(0.5, 2.0, cshape)), rand("c2", cshape), rand("c3", cshape), const("p", 2.0),
                         rand("c4", cshape), const("c5", RNG.uniform(-3, 3, cshape))]))
    for shape in ([2, 3, 5], [1, 3, 4, 6]):  # clip(x, min(-0.3, -0.2), max(0.4, 0.5))
        out.append(case(f"fold_min_max_clip_{shape_tag(shape)}", shape,
                        [n("Min", ["a", "b"], ["lo"]), n("Max", ["c", "d"], ["hi"]), n("Clip", ["x", "lo", "hi"], ["y"])],
                        [const("a", -0.3), const("b", -0.2), const("c", 0.4), const("d", 0.5)]))
    out.append(case("gather_computed", [2, 5, 4], [n("Gather", ["x", "idx"], ["y"], axis=1)], [ints("idx", [0, 3])],
                    unsupported="[Gg]ather"))
    return out


# ----------------------------------------------------------------------------- transformer pieces
def matmul_cases():
    out = []
    for shape, k, cols in (([2, 5, 8], 8, 6), ([3, 7, 13], 13, 5)):  # MatMul + Add(bias [N]): one fully-connected op
        out.append(case(f"matmul_const_bias_{shape_tag(shape)}", shape, [n("MatMul", ["x", "w"], ["m"]), n("Add", ["m", "b"], ["y"])],
                        [rand("w", [k, cols]), rand("b", [cols], 0.1)]))
    out.append(case("matmul_const_bias_first_4x8", [4, 8], [n("MatMul", ["x", "w"], ["m"]), n("Add", ["b", "m"], ["y"])],
                    [rand("w", [8, 6]), rand("b", [6], 0.1)]))
    for tag, bshape in (("1xN", [1, 6]), ("MxN", [5, 6])):  # a bias not of shape [N]: not fused, still right
        out.append(case(f"matmul_const_bias_{tag}", [2, 5, 8], [n("MatMul", ["x", "w"], ["m"]), n("Add", ["m", "b"], ["y"])],
                        [rand("w", [8, 6]), rand("b", bshape, 0.1)]))
    out.append(case("matmul_bias_also_output", [2, 5, 8], [n("MatMul", ["x", "w"], ["m"]), n("Add", ["m", "b"], ["y"])],
                    [rand("w", [8, 6]), rand("b", [6], 0.1)], outputs=("y", "m")))
    out.append(case("matmul_add_activation", [2, 5, 8],
                    [n("MatMul", ["x", "w"], ["m"]), h("Slice", ["x", "z", "six", "ax"], ["xs"]), n("Add", ["m", "xs"], ["y"])],
                    [rand("w", [8, 6]), ints("z", [0]), ints("six", [6]), ints("ax", [2])]))
    for shape, cols in (([5, 8], 3), ([2, 3, 5, 8], 7)):
        out.append(case(f"matmul_const_{shape_tag(shape)}", shape, [n("MatMul", ["x", "w"], ["y"])], [rand("w", [shape[-1], cols])]))
    for shape in ([1, 2, 5, 4], [2, 3, 6, 4], [1, 6, 40, 16]):
        out.append(case(f"matmul_attention_{shape_tag(shape)}", shape,
                        [n("Transpose", ["x"], ["xt"], perm=[0, 1, 3, 2]), n("MatMul", ["x", "xt"], ["s"]), n("Softmax", ["s"], ["y"], axis=-1)],
                        int8_nmse=ATTENTION_INT8_NMSE))
    # scores, softmax, then the product by the values, as attention computes it (both products on activations)
    out.append(case("matmul_attention_values_1x6x40x16", [1, 6, 40, 16],
                    [n("Transpose", ["x"], ["xt"], perm=[0, 1, 3, 2]), n("MatMul", ["x", "xt"], ["s"]),
                     n("Softmax", ["s"], ["p"], axis=-1), n("MatMul", ["p", "x"], ["y"])],
                    int8_nmse=1e-4))  # two quantized products in a row (measured 4.7e-5)
    # batch dimensions broadcast: [2,3,5,4] x [1,3,4,5]
    out.append(case("matmul_computed_broadcast_2x3x5x4", [2, 3, 5, 4],
                    [h("Slice", ["x", "z", "one", "z"], ["xm"]), h("Transpose", ["xm"], ["xmt"], perm=[0, 1, 3, 2]),
                     n("MatMul", ["x", "xmt"], ["y"])], [ints("z", [0]), ints("one", [1])], int8_nmse=ATTENTION_INT8_NMSE))
    out.append(case("matmul_computed_3d", [2, 5, 4], [h("Transpose", ["x"], ["xt"], perm=[0, 2, 1]), n("MatMul", ["xt", "x"], ["y"])],
                    int8_nmse=ATTENTION_INT8_NMSE))
    out.append(case("matmul_const_left", [2, 5, 8], [n("MatMul", ["w", "x"], ["y"])], [rand("w", [3, 5])], unsupported="constant left"))
    out.append(case("matmul_1d_operand", [2, 5, 8], [n("MatMul", ["x", "w"], ["y"])], [rand("w", [8])], unsupported="1-D"))
    return out


def normalization_cases():
    out = []
    for shape, axis, bias in (([2, 5, 8], -1, True), ([3, 7], -1, False), ([1, 4, 6, 10], -1, True), ([2, 3, 16], 2, True)):
        d = shape[-1]
        inputs = ["x", "g"] + (["b"] if bias else [])
        out.append(case(f"layer_norm_{shape_tag(shape)}", shape, [n("LayerNormalization", inputs, ["y"], axis=axis, epsilon=1e-6)],
                        [const("g", 1.0 + RNG.normal(0, 0.1, [d]))] + ([rand("b", [d], 0.1)] if bias else [])))
    out.append(case("layer_norm_axis1", [2, 5, 8], [n("LayerNormalization", ["x", "g"], ["y"], axis=1)], [const("g", np.ones([5, 8]))],
                    unsupported="last axis"))
    for shape, axis in (([3, 7], -1), ([2, 3, 17], -1), ([1, 2, 3, 9], -1), ([2, 4, 5], 2)):
        out.append(case(f"softmax_{shape_tag(shape)}", shape, [n("Softmax", ["x"], ["y"], axis=axis)]))
    out.append(case("softmax_axis1", [2, 4, 5], [n("Softmax", ["x"], ["y"], axis=1)], unsupported="last axis"))
    # LayerNormalization as exporters before opset 17 write it
    for shape in ([2, 5, 8], [1, 7, 16]):
        d = shape[-1]
        out.append(case(f"layer_norm_decomposed_{shape_tag(shape)}", shape,
                        [n("ReduceMean", ["x"], ["mean"], axes=[-1], keepdims=1), n("Sub", ["x", "mean"], ["xc"]),
                         n("Pow", ["xc", "two"], ["sq"]), n("ReduceMean", ["sq"], ["var"], axes=[-1], keepdims=1),
                         n("Add", ["var", "eps"], ["ve"]), n("Sqrt", ["ve"], ["sd"]), n("Div", ["xc", "sd"], ["nx"]),
                         n("Mul", ["nx", "g"], ["sc"]), n("Add", ["sc", "b"], ["y"])],
                        [const("two", 2.0), const("eps", 1e-5), const("g", 1.0 + RNG.normal(0, 0.1, [d])), rand("b", [d], 0.1)], opset=13))
    # opset 18 (axes as an input), the square as Mul, no scale or bias
    out.append(case("layer_norm_decomposed_opset18_mul_square", [3, 6],
                    [n("ReduceMean", ["x", "ax"], ["mean"], keepdims=1), n("Sub", ["x", "mean"], ["xc"]),
                     n("Mul", ["xc", "xc"], ["sq"]), n("ReduceMean", ["sq", "ax"], ["var"], keepdims=1),
                     n("Add", ["var", "eps"], ["ve"]), n("Sqrt", ["ve"], ["sd"]), n("Div", ["xc", "sd"], ["y"])],
                    [ints("ax", [-1]), const("eps", 1e-6)]))
    # not fused when the variance is also an output: then Pow computes on activations, which the engine cannot
    out.append(case("layer_norm_decomposed_variance_also_output", [2, 5, 8],
                    [n("ReduceMean", ["x"], ["mean"], axes=[-1], keepdims=1), n("Sub", ["x", "mean"], ["xc"]),
                     n("Pow", ["xc", "two"], ["sq"]), n("ReduceMean", ["sq"], ["var"], axes=[-1], keepdims=1),
                     n("Add", ["var", "eps"], ["ve"]), n("Sqrt", ["ve"], ["sd"]), n("Div", ["xc", "sd"], ["y"])],
                    [const("two", 2.0), const("eps", 1e-5)], outputs=("y", "var"), opset=13, unsupported="Pow"))
    # ReduceMean alone, over several axes, with and without keepdims
    for shape, axes, keep in (([2, 3, 4, 5], [2, 3], 1), ([2, 3, 4], [1], 0), ([4, 6], [-1], 1)):
        out.append(case(f"reduce_mean_axes{''.join(map(str, axes))}_keep{keep}_{shape_tag(shape)}", shape,
                        [n("ReduceMean", ["x"], ["y"], axes=axes, keepdims=keep)], opset=13))
    return out


def gelu_cases():
    """x * 0.5 * (1 + erf(x / sqrt(2))) as PyTorch exports GELU: fused by the engine into one op."""
    out = []

    def gelu(x, y, order, scale_op="Div"):
        k = "sqrt2" if scale_op == "Div" else "inv_sqrt2"
        nodes = [n(scale_op, [x, k], ["d"]), n("Erf", ["d"], ["e"]), n("Add", ["e", "one"], ["a"])]
        if order == "half_then_x":
            nodes += [n("Mul", ["a", "half"], ["hh"]), n("Mul", [x, "hh"], [y])]
        else:
            nodes += [n("Mul", [x, "a"], ["hx"]), n("Mul", ["hx", "half"], [y])]
        return nodes

    inits = [const("sqrt2", 1.4142135), const("inv_sqrt2", 0.70710677), const("one", 1.0), const("half", 0.5)]
    for tag, shape, order, scale_op in [("gelu_erf_2x6", [2, 6], "half_then_x", "Div"),
                                        ("gelu_erf_x_then_half_2x5x8", [2, 5, 8], "x_then_half", "Div"),
                                        ("gelu_erf_mul_nhwc_1x3x4x5", [1, 3, 4, 5], "half_then_x", "Mul"),
                                        ("gelu_erf_x_then_half_nhwc_2x3x2x5", [2, 3, 2, 5], "x_then_half", "Div")]:
        out.append(case(tag, shape, [h("Mul", ["x", "three"], ["x3"])] + gelu("x3", "y", order, scale_op), inits + [const("three", 3.0)]))
    # must not swallow x / sqrt(2): it is also a graph output, or read by another branch
    out.append(case("gelu_erf_scaled_also_output", [2, 6], gelu("x", "y", "half_then_x"), inits, outputs=("y", "d")))
    out.append(case("gelu_erf_scaled_read_twice", [2, 6], gelu("x", "g", "x_then_half") + [n("Add", ["g", "d"], ["y"])], inits))
    # after a fully-connected layer, as in a transformer's MLP
    out.append(case("matmul_bias_gelu_erf", [2, 5, 8],
                    [n("MatMul", ["x", "w"], ["m"]), n("Add", ["m", "b"], ["mb"])] + gelu("mb", "y", "x_then_half"),
                    inits + [rand("w", [8, 12], 1.0), rand("b", [12], 0.1)]))
    return out


def attention_block_cases():
    """A transformer block's attention as Depth Anything V2 exports it: the engine folds LayerNorm's
    scale and bias, the query/key scaling and the LayerScale into the projections' weights."""
    def block(tag, shared_weight=False, ln_extra_reader=False):
        tokens, dim = 6, 8
        nodes = [n("LayerNormalization", ["x", "g", "beta"], ["ln"], axis=-1, epsilon=1e-6)]
        inits = [const("g", 1.0 + RNG.normal(0, 0.1, [dim])), rand("beta", [dim], 0.1), const("s", 0.7),
                 const("lam", RNG.uniform(0.05, 0.15, [dim])), ints("kshape", [1, tokens, 2, dim // 2]), ints("kflat", [1, tokens, dim])]
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
        return case(tag, [1, tokens, dim], nodes, inits, int8_nmse=ATTENTION_INT8_NMSE)
    return [block("fold_attention_block"), block("fold_attention_shared_weight", shared_weight=True),
            block("fold_attention_norm_read_twice", ln_extra_reader=True)]


# ----------------------------------------------------------------------------- fp16, 8-bit and 4-bit files
# The structures of the published variants (tests/tools/quantize.py makes them the same way).
# Bounds (NMSE against ONNX Runtime running the same file) were sized from ONNX Runtime's own
# difference between each case and its float source (tests/ops/ort_cases.mjs prints them):
# ORT rounds a lone fp16 Cast pair; the engine computes in fp32 and drops it, as ORT's CPU provider
# does inside whole fp16 models (measured: 3.0e-8 .. 3.4e-8, the fp16 rounding itself)
CAST_NMSE = 1e-7
FP16_NMSE = 1e-6      # fp16 files: ORT vs float measured 9e-8 .. 2e-7 (fp16 weights, the input rounded
                      # to fp16; vs fp32 compute with the same fp16 weights 4e-8 .. 8e-8)
DYNAMIC_NMSE = 1e-3   # DynamicQuantizeLinear per tensor: ORT vs float measured 2e-5 .. 9e-5
QDQ_NMSE = 1e-3       # static QDQ ranges: ORT vs float measured 2e-5 .. 4e-5
NBITS_NMSE = 1e-3     # 4-bit weights: ORT vs the dequantized float weights measured 0 (the layout is
                      # right; q4f16 1e-7); the engine may quantize activations (int8 mode: <= 6e-5)


def converted_case(name, x_shape, nodes, inits, convert, nmse, reference=None, outputs=("y",), **kw):
    """A case made by one of tests/tools/quantize.py's conversions of a float model; the float model
    (or reference(float model)) is kept as the case's float_file."""
    _, float_model = case(name, x_shape, nodes, inits, outputs)
    converted = convert(float_model)
    entry = entry_of(name, x_shape, converted, outputs, nmse, **kw)
    entry["_float_model"] = reference(float_model) if reference else float_model
    return entry, converted


def with_weights(model, arrays):
    """The model with some initializers replaced (the dequantized weights of a 4-bit case)."""
    for t in model.graph.initializer:
        if t.name in arrays:
            t.CopyFrom(numpy_helper.from_array(arrays[t.name].astype(np.float32), t.name))
    return model


def matmul_bias(k, cols, bias=True):
    nodes = [n("MatMul", ["x", "w"], ["m" if bias else "y"])] + ([n("Add", ["m", "b"], ["y"])] if bias else [])
    return nodes, [rand("w", [k, cols]), rand("b", [cols], 0.1)]


def cast_cases():
    out = []
    for shape in ([2, 3, 5], [5, 17]):
        out.append(case(f"cast_f16_round_trip_{shape_tag(shape)}", shape,
                        [n("Cast", ["x"], ["h"], to=TensorProto.FLOAT16), n("Cast", ["h"], ["y"], to=TensorProto.FLOAT)], nmse=CAST_NMSE))
    nodes, cinits = conv1x1("x", "c", 3, 4, "p")
    out.append(case("conv1x1_then_cast_f16_round_trip", [1, 3, 6, 7], nodes + [
        n("Cast", ["c"], ["h"], to=TensorProto.FLOAT16), n("Cast", ["h"], ["y"], to=TensorProto.FLOAT)], cinits, nmse=CAST_NMSE))
    # whole fp16 conversions (float16.py): fp16 weights, Casts at the edges and around Resize
    nodes, inits = matmul_bias(8, 6)
    out.append(converted_case("fp16_matmul_bias_2x5x8", [2, 5, 8], nodes, inits, q.convert_float_to_float16, FP16_NMSE))
    out.append(converted_case("fp16_conv3x3_resize_relu_1x4x5x6", [1, 4, 5, 6],
                              [n("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]), n("Resize", ["c", "", "scales"], ["r"], **NEAREST),
                               n("Relu", ["r"], ["y"])],
                              [rand("w", [3, 4, 3, 3]), rand("b", [3], 0.1), const("scales", [1, 1, 2, 2])],
                              q.convert_float_to_float16, FP16_NMSE))
    return out


def dynamic_cases():
    """DynamicQuantizeLinear + MatMulInteger / ConvInteger + Cast + Mul (+ bias), as quantize_dynamic writes them."""
    out = []
    for qtype, tag in ((q.INT8, "int8"), (q.UINT8, "uint8")):
        for per_channel in (False, True):
            for shape, k, cols in (([2, 5, 8], 8, 6), ([3, 7, 13], 13, 5)):
                nodes, inits = matmul_bias(k, cols)
                out.append(converted_case(f"matmul_integer_{tag}_{'column' if per_channel else 'tensor'}_bias_{shape_tag(shape)}",
                                          shape, nodes, inits,
                                          lambda m, t=qtype, c=per_channel: q.quantize_dynamic(m, t, per_channel=c), DYNAMIC_NMSE))
    nodes, inits = matmul_bias(8, 7, bias=False)
    out.append(converted_case("matmul_integer_uint8_column_2x3x5x8", [2, 3, 5, 8], nodes, inits,
                              lambda m: q.quantize_dynamic(m, q.UINT8, per_channel=True), DYNAMIC_NMSE))
    for qtype, tag in ((q.UINT8, "uint8"), (q.INT8, "int8")):
        for shape in ([1, 4, 9, 11], [2, 3, 8, 7]):
            out.append(converted_case(f"conv_integer_{tag}_tensor_{shape_tag(shape)}", shape,
                                      [n("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1])], [rand("w", [5, shape[1], 3, 3]), rand("b", [5], 0.1)],
                                      lambda m, t=qtype: q.quantize_dynamic(m, t), DYNAMIC_NMSE))
    for shape in ([1, 4, 9, 11], [2, 6, 7, 5]):
        c = shape[1]
        out.append(converted_case(f"conv_integer_uint8_depthwise_{shape_tag(shape)}", shape,
                                  [n("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1], group=c)], [rand("w", [c, 1, 3, 3]), rand("b", [c], 0.1)],
                                  lambda m: q.quantize_dynamic(m, q.UINT8), DYNAMIC_NMSE))
    # per output channel: onnxruntime's quantizer never writes it for ConvInteger; the format allows
    # it, ONNX Runtime only with one zero point (0: int8 symmetric) and the scales in the Mul
    for shape, group in (([1, 4, 9, 11], 1), ([2, 6, 7, 5], 6)):
        out.append(conv_integer_per_channel(shape, group))
    return out


def conv_integer_per_channel(shape, group):
    c = shape[1]
    cout = 5 if group == 1 else c
    w = RNG.normal(0.0, 0.5, [cout, c // group, 3, 3]).astype(np.float32)
    wq, scales, zero_points = q.quantize_weight(w, q.INT8, axis=0)
    conv = n("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1], group=group)
    dql, *x_names = q.dynamic_quantize_node("x")
    nodes = [dql] + q.integer_op_nodes("ConvInteger", conv, x_names, ("w_quantized", "w_scale", "w_zero_point"), "s")
    bias_nodes, bias_inits = q.conv_bias_nodes(conv, "s", 4)
    assert not zero_points.any()
    inits = [numpy_helper.from_array(wq, "w_quantized"), numpy_helper.from_array(scales.reshape(cout, 1, 1), "w_scale"),
             numpy_helper.from_array(np.array(0, np.int8), "w_zero_point"), rand("b", [cout], 0.1)] + bias_inits
    tag = "depthwise" if group > 1 else "3x3"
    entry, m = case(f"conv_integer_int8_channel_{tag}_{shape_tag(shape)}", shape, nodes + bias_nodes, inits, nmse=DYNAMIC_NMSE)
    _, entry["_float_model"] = case("float", shape, [conv], [numpy_helper.from_array(w, "w"), inits[3]])
    return entry, m


def qdq_cases():
    """Static QDQ: DequantizeLinear of int8 per-channel weights, QuantizeLinear -> DequantizeLinear on the input."""
    out = []
    ranges = {"x": (-1.0, 1.0)}  # the harness's input is uniform in [-1, 1]
    for shape, k, cols in (([2, 5, 8], 8, 6), ([3, 7, 13], 13, 5)):
        nodes, inits = matmul_bias(k, cols)
        out.append(converted_case(f"qdq_matmul_bias_{shape_tag(shape)}", shape, nodes, inits, lambda m: q.quantize_qdq(m, ranges), QDQ_NMSE))
    for shape, group in (([1, 4, 9, 11], 1), ([2, 3, 8, 7], 1), ([2, 6, 7, 5], 6)):
        cout = 5 if group == 1 else shape[1]
        tag = "depthwise" if group > 1 else "conv3x3"
        out.append(converted_case(f"qdq_{tag}_{shape_tag(shape)}", shape,
                                  [n("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1], group=group)],
                                  [rand("w", [cout, shape[1] // group, 3, 3]), rand("b", [cout], 0.1)],
                                  lambda m: q.quantize_qdq(m, ranges), QDQ_NMSE))
    # a QuantizeLinear -> DequantizeLinear pair alone, on a plain and an NHWC activation, uint8 and int8
    for shape, qtype, lo, hi in (([2, 3, 5], q.UINT8, -1.0, 1.0), ([4, 7], q.INT8, -0.8, 0.6)):
        out.append(q_dq_case(f"quantize_dequantize_{'uint8' if qtype == q.UINT8 else 'int8'}_{shape_tag(shape)}", shape, "x", qtype, lo, hi, [], []))
    nodes, cinits = conv1x1("x", "c", 3, 4, "p")
    out.append(q_dq_case("conv1x1_then_quantize_dequantize_uint8", [1, 3, 4, 5], "c", q.UINT8, -2.0, 2.0, nodes, cinits))
    return out


def q_dq_case(name, shape, src, qtype, lo, hi, nodes, inits):
    scale, zero_point = q.scale_zero_point(lo, hi, qtype, symmetric=False)
    return case(name, shape, nodes + [n("QuantizeLinear", [src, "s", "z"], ["qx"]), n("DequantizeLinear", ["qx", "s", "z"], ["y"])],
                inits + [const("s", scale), numpy_helper.from_array(np.array(zero_point), "z")], nmse=QDQ_NMSE)


def nbits_dequantized(m, block, symmetric):
    """The float model with its weight w as MatMulNBits computes with it (ORT must agree: the
    packing), which must be w to within a quantization step (the quantizer)."""
    w = numpy_helper.to_array(next(t for t in m.graph.initializer if t.name == "w"))
    packed, scales, zp = q.quantize_blockwise_4bit(w, block, symmetric)
    dequantized = q.dequantize_blockwise_4bit(packed, scales, zp, w.shape[0], block)
    assert np.abs(dequantized - w).max() <= np.abs(scales).max() * 1.001, "4-bit quantization is off by more than a step"
    return with_weights(m, {"w": dequantized})


def bnb4_dequantized(m, block, quant_type):
    """As nbits_dequantized for MatMulBnb4 (within half the widest gap between codes: 1/6 of absmax)."""
    w = numpy_helper.to_array(next(t for t in m.graph.initializer if t.name == "w"))
    packed, absmax = q.quantize_bnb4(w, block, quant_type)
    dequantized = q.dequantize_bnb4(packed, absmax, w.shape[0], w.shape[1], block, quant_type)
    assert np.abs(dequantized - w).max() <= absmax.max() / 6 * 1.001, "bnb4 quantization is off by more than half a code gap"
    return with_weights(m, {"w": dequantized})


def nbits_cases():
    """com.microsoft MatMulNBits (q4) at each block size, with and without zero points, K a multiple of the block or not."""
    out = []
    for block, symmetric, k, cols, shape in ((16, True, 48, 10, [2, 5, 48]), (16, False, 40, 7, [3, 40]),
                                            (32, True, 80, 12, [2, 3, 80]), (32, False, 64, 9, [4, 64]),
                                            (64, False, 100, 8, [2, 5, 100]), (64, True, 128, 6, [1, 7, 128]),
                                            (128, True, 200, 5, [2, 3, 200]), (128, False, 256, 4, [5, 256])):
        nodes, inits = matmul_bias(k, cols, bias=block != 128)
        out.append(converted_case(f"matmul_nbits_b{block}_{'symmetric' if symmetric else 'zero_points'}_k{k}_{shape_tag(shape)}",
                                  shape, nodes, inits, lambda m, b=block, s=symmetric: q.quantize_matmul_4bits(m, b, s), NBITS_NMSE,
                                  reference=lambda m, b=block, s=symmetric: nbits_dequantized(m, b, s)))
    # q4f16: 4-bit weights, fp16 activations and scales
    nodes, inits = matmul_bias(32, 6)
    out.append(converted_case("q4f16_matmul_nbits_b32_2x5x32", [2, 5, 32], nodes, inits,
                              lambda m: q.convert_float_to_float16(q.quantize_matmul_4bits(m, 32, True)), NBITS_NMSE,
                              reference=lambda m: nbits_dequantized(m, 32, True)))
    for quant_type, tag in ((q.NF4, "nf4"), (q.FP4, "fp4")):
        for block, k, cols, shape in ((64, 64, 24, [2, 5, 64]), (32, 40, 6, [7, 40])):
            nodes, inits = matmul_bias(k, cols)
            out.append(converted_case(f"matmul_bnb4_{tag}_b{block}_k{k}_{shape_tag(shape)}", shape, nodes, inits,
                                      lambda m, b=block, t=quant_type: q.quantize_matmul_bnb4(m, b, t), NBITS_NMSE,
                                      reference=lambda m, b=block, t=quant_type: bnb4_dequantized(m, b, t)))
    return out


def bad_quantized_cases():
    """Broken or unsupported quantized files: one clear error each, naming the node."""
    out = []
    nodes, inits = matmul_bias(8, 6)
    _, float_model = case("float", [2, 5, 8], nodes, inits)
    base = q.quantize_dynamic(float_model, q.UINT8)
    mmi = next(nd for nd in base.graph.node if nd.op_type == "MatMulInteger").name
    # the weight's scale is read but stored nowhere
    missing = [t for t in base.graph.initializer if t.name != "w_scale"]
    out.append(case("matmul_integer_missing_scale", [2, 5, 8], list(base.graph.node), missing,
                    invalid=f"{mmi}.*scale|scale.*{mmi}"))
    # uint8 weights with an int8 zero point
    wrong_zp = [helper.make_tensor("w_zero_point", q.INT8, [], [3]) if t.name == "w_zero_point" else t for t in base.graph.initializer]
    out.append(case("matmul_integer_int8_zero_point_uint8_weights", [2, 5, 8], list(base.graph.node), wrong_zp,
                    invalid=f"{mmi}.*zero point|zero point.*{mmi}"))
    # MatMulNBits whose B has more blocks than K / block_size
    nodes, inits = matmul_bias(64, 6, bias=False)
    _, float_model = case("float", [2, 5, 64], nodes, inits)
    nbits = q.quantize_matmul_4bits(float_model, 32, True)
    node = nbits.graph.node[0]
    b = numpy_helper.to_array(next(t for t in nbits.graph.initializer if t.name == node.input[1]))
    wrong_b = [numpy_helper.from_array(np.concatenate([b, b[:, :1]], axis=1), t.name) if t.name == node.input[1] else t
               for t in nbits.graph.initializer]
    out.append(case("matmul_nbits_blocks_not_k_over_block_size", [2, 5, 64], list(nbits.graph.node), wrong_b,
                    invalid=f"{node.name}.*block_size|block_size.*{node.name}"))
    # a com.microsoft operator the engine does not have (ONNX Runtime runs it)
    attention = helper.make_node("Attention", ["x", "w", "b"], ["y"], "Attention_y", domain=q.MS_DOMAIN, num_heads=2)
    out.append(case("com_microsoft_attention", [2, 5, 8], [attention], [rand("w", [8, 24]), rand("b", [24], 0.1)],
                    unsupported=r"com\.microsoft\.Attention.*Attention_y"))
    return out


def cases():
    return (conv_cases() + activation_cases() + new_unary_cases() + elementwise_cases() + resize_cases() + concat_cases()
            + shape_op_cases() + fold_cases() + matmul_cases() + normalization_cases() + gelu_cases() + attention_block_cases()
            + cast_cases() + dynamic_cases() + qdq_cases() + nbits_cases() + bad_quantized_cases())


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    manifest = []
    for entry, m in cases():
        if any(e["name"] == entry["name"] for e in manifest):
            raise SystemExit(f"make_op_models: two cases named {entry['name']}")
        entry["file"] = os.path.join(out_dir, entry["name"] + ".onnx")
        save(m, entry["file"])
        float_model = entry.pop("_float_model", None)
        if float_model is not None:
            entry["float_file"] = os.path.join(out_dir, entry["name"] + ".float.onnx")
            save(float_model, entry["float_file"])
        manifest.append(entry)
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    int8 = sum("int8_nmse" in e for e in manifest)
    shapes = {}  # operator → the input shapes of its cases (an operator only refused needs one)
    for e in manifest:
        for op in e["ops"]:
            shapes.setdefault(op, set())
            if "unsupported" not in e and "invalid" not in e:
                shapes[op].add(tuple(e["input"]))
    shapes = {op: s for op, s in shapes.items() if s}
    fewest = min(shapes, key=lambda op: len(shapes[op]))
    if len(shapes[fewest]) < 2:
        raise SystemExit(f"make_op_models: {fewest} has cases at one input shape only: add one at another shape")
    print(f"make_op_models: {len(manifest)} models ({int8} also in int8) over {len(shapes)} operators, "
          f"each at {len(shapes[fewest])} or more input shapes ({fewest}), in {out_dir}")


if __name__ == "__main__":
    main()
