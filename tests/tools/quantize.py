#!/usr/bin/python3
"""quantize.py: the project's own versions of the ONNX transformations that make the fp16, 8-bit
and 4-bit files published next to a model (onnx-community/*, made by transformers.js's
scripts/quantize.py and scripts/float16.py, which call onnxruntime's quantizers), plus a QDQ form.

Written from the public sources of those tools, applying their documented rules and options:
- quantize_dynamic: onnxruntime's ONNXQuantizer in IntegerOps mode, dynamic (QOperator format):
  one DynamicQuantizeLinear per activation tensor (shared by its readers), MatMulInteger /
  ConvInteger, Cast to float, Mul(x_scale, w_scale), Mul; a MatMul's bias Add stays as it is, a
  Conv's bias becomes Reshape + Add. Only MatMuls with a constant B (MatMulConstBOnly) and Convs
  with a constant weight. Weights: int8 symmetric in [-127, 127], uint8 asymmetric in [0, 255]
  ([-64, 64] / [0, 127] with reduce_range); per_channel only for MatMul (per column), never Conv.
- quantize_matmul_4bits: MatMul4BitsQuantizer's default algorithm (MLAS blockwise quantization):
  com.microsoft MatMulNBits, 4 bits, blocks along K per column, scales, zero points when
  asymmetric.
- quantize_matmul_bnb4: MatMulBnb4Quantizer: com.microsoft MatMulBnb4, NF4 or FP4 codes of the
  flattened transposed weight in blocks, one absmax per block.
- convert_float_to_float16: transformers.js's float16.py: fp16 initializers and value types, Casts
  at the graph's edges (keep_io_types) and around the blocked operators (Resize, Cast, Min, Max,
  ...), whose constant inputs stay fp32; values clamped to [1e-7, 1e4] in magnitude. As in
  float16.py, a graph output written by a blocked op (PyDNet++'s final Resize) becomes fp16.
  (transformers.js then simplifies its fp16 files with onnxslim, which is not available here: ours
  keep the exporter's Shape chains and are topologically sorted only.)
- quantize_qdq: onnxruntime's QDQ form of a statically quantized model: DequantizeLinear of int8
  per-channel weights, QuantizeLinear -> DequantizeLinear on the activation inputs with ranges
  from calibration (biases and outputs are left in float).

Each conversion returns a new model and leaves its argument as it was.
Needs Debian's python3-onnx and python3-numpy (no onnxruntime for python here).
"""
import numpy as np
from onnx import TensorProto, helper, numpy_helper, shape_inference

FLOAT, FLOAT16, UINT8, INT8, INT64 = TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.UINT8, TensorProto.INT8, TensorProto.INT64
NUMPY_TYPE = {UINT8: np.uint8, INT8: np.int8}
MS_DOMAIN = "com.microsoft"

# ----------------------------------------------------------------------------- 8-bit linear quantization


def quant_range(qtype, symmetric=False, reduce_range=False):
    """(qmin, qmax) as onnxruntime's get_qmin_qmax_for_qType chooses them."""
    if reduce_range:
        return {UINT8: (0, 127), INT8: (-64, 64)}[qtype]
    if symmetric:
        return {UINT8: (0, 254), INT8: (-127, 127)}[qtype]
    return {UINT8: (0, 255), INT8: (-128, 127)}[qtype]


def scale_zero_point(rmin, rmax, qtype, symmetric, reduce_range=False):
    """Scale (float32) and zero point of r = scale * (q - zero_point) covering [rmin, rmax] and 0."""
    qmin, qmax = quant_range(qtype, symmetric, reduce_range)
    rmin, rmax = min(np.float32(rmin), np.float32(0)), max(np.float32(rmax), np.float32(0))
    if symmetric:
        rmax = max(abs(rmin), abs(rmax))
        rmin = -rmax
    scale = np.float64(rmax - rmin) / np.float64(qmax - qmin)
    if scale < np.finfo(np.float32).tiny:
        return np.float32(1.0), NUMPY_TYPE[qtype](0)
    # symmetric: the middle of the range exactly (0 for int8, 127 for uint8)
    zero_point = np.round((qmin + qmax) / 2.0) if symmetric else np.round(qmin - np.float64(rmin) / scale)
    return np.float32(scale), NUMPY_TYPE[qtype](zero_point)


def quantize_values(x, scale, zero_point, qtype):
    """round(x / scale) + zero_point (half to even), saturated to the type's full range."""
    qmin, qmax = quant_range(qtype)
    q = np.round(np.asarray(x, np.float32) / np.asarray(scale, np.float32)) + np.asarray(zero_point, np.float32)
    return np.clip(q, qmin, qmax).astype(NUMPY_TYPE[qtype])


def quantize_weight(w, qtype, symmetric=None, reduce_range=False, axis=None):
    """A weight quantized per tensor (axis None) or per channel along axis: (q, scale, zero_point).
    symmetric defaults to onnxruntime's choice: signed types symmetric, unsigned asymmetric."""
    w = np.asarray(w, np.float32)
    symmetric = (qtype == INT8) if symmetric is None else symmetric
    if axis is None:
        scale, zero_point = scale_zero_point(w.min(), w.max(), qtype, symmetric, reduce_range)
        return quantize_values(w, scale, zero_point, qtype), scale, zero_point
    axis = axis % w.ndim
    others = tuple(a for a in range(w.ndim) if a != axis)
    params = [scale_zero_point(lo, hi, qtype, symmetric, reduce_range) for lo, hi in zip(w.min(others), w.max(others))]
    scales = np.array([p[0] for p in params], np.float32)
    zero_points = np.array([p[1] for p in params], NUMPY_TYPE[qtype])
    shape = [1] * w.ndim
    shape[axis] = -1
    return quantize_values(w, scales.reshape(shape), zero_points.reshape(shape), qtype), scales, zero_points


# ----------------------------------------------------------------------------- 4-bit blockwise (MatMulNBits)


def _round_half_away(x):
    """C's roundf."""
    return np.sign(x) * np.floor(np.abs(x) + np.float32(0.5))


def quantize_blockwise_4bit(w, block_size, symmetric):
    """MLAS's blockwise 4-bit quantization of a [K, N] weight, blocks of block_size along K in
    each column, in MatMulNBits's layout: (B uint8 [N, blocks, block_size / 2] with the even k in
    the low nibble, scales float32 [N * blocks], zero points uint8 [N * ceil(blocks / 2)] or None
    when symmetric, where the implied zero point is 8)."""
    w = np.asarray(w, np.float32)
    k, n = w.shape
    blocks = -(-k // block_size)
    cols = np.zeros((n, blocks * block_size), np.float32)
    cols[:, :k] = w.T
    cols = cols.reshape(n, blocks, block_size)
    if symmetric:
        lo, hi = cols.min(axis=2), cols.max(axis=2)
        scales = np.where(np.abs(hi) > np.abs(lo), hi, lo) / np.float32(-8)  # the largest magnitude -> 0 (-8)
        zero_points = np.full((n, blocks), 8, np.float32)
    else:
        lo, hi = np.minimum(cols.min(axis=2), 0), np.maximum(cols.max(axis=2), 0)
        scales = (hi - lo) / np.float32(15)
        with np.errstate(divide="ignore", invalid="ignore"):
            zp = np.where(scales != 0, -lo / scales, lo)
        zero_points = np.clip(_round_half_away(zp), 0, 15)
    scales = scales.astype(np.float32)
    with np.errstate(divide="ignore"):
        reciprocal = np.where(scales != 0, np.float32(1) / scales, np.float32(0)).astype(np.float32)
    codes = np.clip(_round_half_away(cols * reciprocal[:, :, None] + zero_points[:, :, None]), 0, 15).astype(np.uint8)
    # MLAS writes the padding only as the second half of a byte whose first value is real
    codes.reshape(n, -1)[:, k + (k % 2):] = 0
    packed = (codes[:, :, 0::2] | (codes[:, :, 1::2] << 4)).astype(np.uint8)
    if symmetric:
        return packed, scales.reshape(-1), None
    zp = zero_points.astype(np.uint8)
    if blocks % 2:
        zp = np.concatenate([zp, np.zeros((n, 1), np.uint8)], axis=1)
    return packed, scales.reshape(-1), (zp[:, 0::2] | (zp[:, 1::2] << 4)).astype(np.uint8).reshape(-1)


def dequantize_blockwise_4bit(packed, scales, zero_points, k, block_size):
    """The [K, N] weight a MatMulNBits computes with (for checks and error figures)."""
    n, blocks, _ = packed.shape
    codes = np.stack([packed & 15, packed >> 4], axis=-1).reshape(n, blocks, block_size).astype(np.float32)
    if zero_points is None:
        zp = np.full((n, blocks), 8, np.float32)
    else:
        zp = np.stack([zero_points & 15, zero_points >> 4], axis=-1).reshape(n, -1)[:, :blocks].astype(np.float32)
    w = (codes - zp[:, :, None]) * scales.reshape(n, blocks)[:, :, None]
    return w.reshape(n, -1)[:, :k].T


# ----------------------------------------------------------------------------- 4-bit NF4 / FP4 (MatMulBnb4)

FP4, NF4 = 0, 1  # MatMulBnb4's quant_type
BNB4_CODES = {  # the value of each 4-bit code, times the block's absmax
    NF4: np.array([-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
                   -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
                   0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
                   0.7229568362236023, 1.0], np.float32),
    FP4: np.array([0.0, 5.208333333e-03, 0.66666667, 1.0, 0.33333333, 0.5, 0.16666667, 0.25,
                   -0.0, -5.208333333e-03, -0.66666667, -1.0, -0.33333333, -0.5, -0.16666667, -0.25], np.float32),
}


def _nearest_code(x, quant_type):
    """The code nearest to x in [-1, 1] (the decision trees of onnxruntime's QuantizeOneNF4/FP4,
    whose pivots are the midpoints between neighbouring code values)."""
    if quant_type == NF4:
        values = BNB4_CODES[NF4]  # ascending: the code is the index
        return np.searchsorted((values[1:] + values[:-1]) / 2, x, side="left").astype(np.uint8)
    magnitude_codes = np.argsort(BNB4_CODES[FP4][:8], kind="stable")  # codes 0..7 by magnitude
    magnitudes = BNB4_CODES[FP4][magnitude_codes]
    index = np.searchsorted((magnitudes[1:] + magnitudes[:-1]) / 2, np.abs(x), side="left")
    return (magnitude_codes[index] + np.where(x < 0, 8, 0)).astype(np.uint8)


def quantize_bnb4(w, block_size, quant_type):
    """MatMulBnb4's weight: the [K, N] weight transposed and flattened, cut into blocks of
    block_size, each scaled by its absmax to [-1, 1] and coded; (B uint8 [(N*K + 1) / 2] with the
    first value in the high nibble, absmax float32 [blocks])."""
    flat = np.asarray(w, np.float32).T.reshape(-1)
    numel = flat.size
    blocks = -(-numel // block_size)
    padded = np.zeros(blocks * block_size, np.float32)
    padded[:numel] = flat
    absmax = np.abs(padded.reshape(blocks, block_size)).max(axis=1)
    with np.errstate(divide="ignore"):
        reciprocal = np.where(absmax != 0, np.float32(1) / absmax, np.float32(0)).astype(np.float32)
    codes = _nearest_code(padded.reshape(blocks, block_size) * reciprocal[:, None], quant_type).reshape(-1)
    codes = codes[:numel + numel % 2]
    return ((codes[0::2] << 4) | codes[1::2]).astype(np.uint8), absmax.astype(np.float32)


def dequantize_bnb4(packed, absmax, k, n, block_size, quant_type):
    codes = np.stack([packed >> 4, packed & 15], axis=-1).reshape(-1)[:k * n]
    values = BNB4_CODES[quant_type][codes] * np.repeat(absmax, block_size)[:k * n]
    return values.reshape(n, k).T


# ----------------------------------------------------------------------------- graph helpers


def infer_shapes(model):
    """The model with inferred value_info (as the tools do before converting); stored value_info is kept."""
    return shape_inference.infer_shapes(model)


def set_opset(model, domain, version):
    for opset in model.opset_import:
        if opset.domain == domain:
            opset.version = version
            return
    model.opset_import.append(helper.make_opsetid(domain, version))


def initializer_arrays(model):
    return {t.name: t for t in model.graph.initializer}


def constant_float(inits, name, ndim=None):
    """The float initializer called name (with ndim dimensions when given), else None."""
    t = inits.get(name)
    if t is None or t.data_type != FLOAT or (ndim is not None and len(t.dims) != ndim):
        return None
    return numpy_helper.to_array(t)


def remove_unused_initializers(model):
    used = {i for n in model.graph.node for i in n.input} | {o.name for o in model.graph.output}
    kept = [t for t in model.graph.initializer if t.name in used]
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept)


def no_subgraphs(model, what):
    for n in model.graph.node:
        if any(a.type in (helper.AttributeProto.GRAPH, helper.AttributeProto.GRAPHS) for a in n.attribute):
            raise ValueError(f"{what}: node '{n.name}' ({n.op_type}) has a subgraph, which this converter does not handle")


def tensor_type(model, name):
    """The element type of a tensor from the graph's inputs, outputs, value_info or initializers."""
    for vi in list(model.graph.value_info) + list(model.graph.input) + list(model.graph.output):
        if vi.name == name:
            return vi.type.tensor_type.elem_type
    for t in model.graph.initializer:
        if t.name == name:
            return t.data_type
    return None


def toposort(nodes):
    """Nodes in an order where each runs after the producers of its inputs, otherwise as given."""
    produced_by = {o: i for i, nd in enumerate(nodes) for o in nd.output}
    order, state = [], [0] * len(nodes)  # 0 new, 1 on the stack, 2 placed

    def place(i):
        stack = [(i, iter(nodes[i].input))]
        state[i] = 1
        while stack:
            j, inputs = stack[-1]
            for name in inputs:
                p = produced_by.get(name)
                if p is not None and state[p] == 0:
                    state[p] = 1
                    stack.append((p, iter(nodes[p].input)))
                    break
            else:
                stack.pop()
                state[j] = 2
                order.append(nodes[j])

    for i in range(len(nodes)):
        if state[i] == 0:
            place(i)
    return order


# ----------------------------------------------------------------------------- 8-bit QOperator (quantize_dynamic)


def dynamic_quantize_node(x):
    """onnxruntime's DynamicQuantizeLinear of activation x: (node, quantized, scale, zero point names)."""
    q, s, z = x + "_quantized", x + "_scale", x + "_zero_point"
    return helper.make_node("DynamicQuantizeLinear", [x], [q, s, z], x + "_QuantizeLinear"), q, s, z


def weight_initializers(name, q, scale, zero_point, qtype):
    """The quantized weight, its scale and zero point as onnxruntime names them."""
    scale_dims = list(np.shape(scale))
    return [helper.make_tensor(name + "_scale", FLOAT, scale_dims, np.ravel(scale).tolist()),
            helper.make_tensor(name + "_zero_point", qtype, scale_dims, np.ravel(zero_point).tolist()),
            numpy_helper.from_array(q, name + "_quantized")]


def integer_op_nodes(op_type, node, x_names, w_names, out, output_type=FLOAT, scales_mul_cache=None):
    """MatMulInteger / ConvInteger + Cast + Mul(x_scale, w_scale) + Mul writing out, named as
    onnxruntime names them after the float node. x_names / w_names: (quantized, scale, zero point)."""
    int_name = node.name + "_quant" if node.name else ""
    int_out = node.output[0] + "_output_quantized"
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute} if op_type == "ConvInteger" else {}
    nodes = [helper.make_node(op_type, [x_names[0], w_names[0], x_names[2], w_names[2]], [int_out], int_name, **attrs),
             helper.make_node("Cast", [int_out], [int_out + "_cast_output"], int_out + "_cast", to=output_type)]
    scales_mul = int_name + "_scales_mul" if int_name else f"{x_names[1]}_{w_names[1]}_mul"
    cache = {} if scales_mul_cache is None else scales_mul_cache
    if scales_mul not in cache:  # unnamed nodes with the same scales share one product
        cache[scales_mul] = scales_mul + ":0"
        nodes.append(helper.make_node("Mul", [x_names[1], w_names[1]], [scales_mul + ":0"], scales_mul))
    nodes.append(helper.make_node("Mul", [int_out + "_cast_output", cache[scales_mul]], [out],
                                  int_name + "_output_scale_mul" if int_name else ""))
    return nodes


def conv_bias_nodes(node, scaled, rank):
    """ConvInteger's bias: Reshape(bias, [1, -1, 1, ...]) + Add, as onnxruntime adds it."""
    out = node.output[0]
    shape = np.ones(rank, np.int64)
    shape[1] = -1
    init = numpy_helper.from_array(shape, out + "_bias_reshape_shape")
    return ([helper.make_node("Reshape", [node.input[2], init.name], [out + "_bias_reshape_output"]),
             helper.make_node("Add", [scaled, out + "_bias_reshape_output"], [out], out + "_bias_add")], [init])


QUINT8_OPS = ("Conv", "GroupQueryAttention", "MultiHeadAttention")  # transformers.js: uint8 weights with these


def default_weight_type(model):
    """transformers.js's weight type for model_quantized.onnx: uint8 when the model has a Conv
    (onnxruntime-web has no int8 ConvInteger), else int8."""
    return UINT8 if any(n.op_type in QUINT8_OPS for n in model.graph.node) else INT8


def quantize_dynamic(model, weight_type, per_channel=False, reduce_range=False):
    """onnxruntime's dynamic QOperator quantization with transformers.js's options (activations
    uint8, MatMulConstBOnly): returns a new model."""
    no_subgraphs(model, "quantize_dynamic")
    model = infer_shapes(model)
    inits = initializer_arrays(model)
    activations, weights, scales_muls = {}, {}, {}
    new_nodes, new_inits = [], []

    def activation(x):
        if x in inits:
            raise ValueError(f"quantize_dynamic: a constant activation input ({x}) is not handled")
        if x not in activations:
            dql, *names = dynamic_quantize_node(x)
            new_nodes.append(dql)
            activations[x] = names
        return activations[x]

    def weight(name, axis):
        if name not in weights:
            q, scale, zp = quantize_weight(numpy_helper.to_array(inits[name]), weight_type, None, reduce_range, axis)
            new_inits.extend(weight_initializers(name, q, scale, zp, weight_type))
            weights[name] = (name + "_quantized", name + "_scale", name + "_zero_point")
        return weights[name]

    for node in model.graph.node:
        out_type = tensor_type(model, node.output[0]) or FLOAT
        if node.op_type == "Transpose" and (node.input[0] in activations or node.input[0] in weights):
            raise ValueError(f"quantize_dynamic: Transpose '{node.name}' reads a quantized activation; onnxruntime "
                             "would move it to uint8, which this converter does not do")
        if node.op_type == "MatMul" and constant_float(inits, node.input[1]) is not None:
            x = activation(node.input[0])
            w = weight(node.input[1], -1 if per_channel else None)
            new_nodes += integer_op_nodes("MatMulInteger", node, x, w, node.output[0], out_type, scales_muls)
        elif node.op_type == "Conv" and constant_float(inits, node.input[1]) is not None:
            x = activation(node.input[0])
            w = weight(node.input[1], None)  # ConvInteger weights are per tensor, per_channel or not
            has_bias = len(node.input) > 2 and node.input[2]
            scaled = node.output[0] + "quant_scaled_output" if has_bias else node.output[0]
            new_nodes += integer_op_nodes("ConvInteger", node, x, w, scaled, out_type, scales_muls)
            if has_bias:
                bias_nodes, bias_inits = conv_bias_nodes(node, scaled, len(inits[node.input[1]].dims))
                new_nodes += bias_nodes
                new_inits += bias_inits
        else:
            new_nodes.append(node)
    del model.graph.node[:]
    model.graph.node.extend(new_nodes)
    model.graph.initializer.extend(new_inits)
    remove_unused_initializers(model)
    model.producer_name, model.producer_version = "onnx.quantize", "0.1.0"
    return model


# ----------------------------------------------------------------------------- 4-bit weight-only


def matmul_nbits_node(node, b_name, k, n, block_size, has_zero_points, accuracy_level=None):
    attrs = dict(K=k, N=n, bits=4, block_size=block_size)
    if accuracy_level is not None:
        attrs["accuracy_level"] = accuracy_level
    inputs = [node.input[0], b_name + "_Q4", b_name + "_scales"] + ([b_name + "_zero_points"] if has_zero_points else [])
    return helper.make_node("MatMulNBits", inputs, [node.output[0]], node.name + "_Q4" if node.name else "",
                            domain=MS_DOMAIN, **attrs)


def matmul_nbits_initializers(b_name, packed, scales, zero_points):
    inits = [numpy_helper.from_array(packed, b_name + "_Q4"), numpy_helper.from_array(scales, b_name + "_scales")]
    return inits + ([numpy_helper.from_array(zero_points, b_name + "_zero_points")] if zero_points is not None else [])


def matmul_bnb4_node(node, b_name, k, n, block_size, quant_type):
    return helper.make_node("MatMulBnb4", [node.input[0], b_name + "_Bnb4", b_name + "_absmax"], [node.output[0]],
                            node.name + "_Bnb4" if node.name else "", domain=MS_DOMAIN,
                            K=k, N=n, block_size=block_size, quant_type=quant_type)


def matmul_bnb4_initializers(b_name, packed, absmax):
    return [numpy_helper.from_array(packed, b_name + "_Bnb4"), numpy_helper.from_array(absmax, b_name + "_absmax")]


def _replace_const_matmuls(model, what, replace):
    """Every MatMul with a 2-D float constant B goes through replace(node, B name, B) -> (node, inits)."""
    no_subgraphs(model, what)
    model = copy_of(model)
    inits = initializer_arrays(model)
    new_nodes, new_inits, done = [], [], set()
    for node in model.graph.node:
        b = constant_float(inits, node.input[1], ndim=2) if node.op_type == "MatMul" else None
        if b is None:
            new_nodes.append(node)
            continue
        replacement, b_inits = replace(node, node.input[1], b)
        new_nodes.append(replacement)
        if node.input[1] not in done:  # a weight read by two MatMuls is stored once
            new_inits += b_inits
            done.add(node.input[1])
    del model.graph.node[:]
    model.graph.node.extend(new_nodes)
    model.graph.initializer.extend(new_inits)
    remove_unused_initializers(model)
    set_opset(model, MS_DOMAIN, 1)
    return model


def quantize_matmul_4bits(model, block_size=32, symmetric=True, accuracy_level=None):
    """MatMul4BitsQuantizer (default algorithm, QOperator), transformers.js's q4: block 32, symmetric."""
    def replace(node, b_name, b):
        packed, scales, zero_points = quantize_blockwise_4bit(b, block_size, symmetric)
        return (matmul_nbits_node(node, b_name, b.shape[0], b.shape[1], block_size, zero_points is not None, accuracy_level),
                matmul_nbits_initializers(b_name, packed, scales, zero_points))
    return _replace_const_matmuls(model, "quantize_matmul_4bits", replace)


def quantize_matmul_bnb4(model, block_size=64, quant_type=NF4):
    """MatMulBnb4Quantizer, transformers.js's bnb4: block 64, NF4."""
    def replace(node, b_name, b):
        packed, absmax = quantize_bnb4(b, block_size, quant_type)
        return (matmul_bnb4_node(node, b_name, b.shape[0], b.shape[1], block_size, quant_type),
                matmul_bnb4_initializers(b_name, packed, absmax))
    return _replace_const_matmuls(model, "quantize_matmul_bnb4", replace)


# ----------------------------------------------------------------------------- fp16 (float16.py)

FP16_OP_BLOCK_LIST = (  # float16.py's DEFAULT_OP_BLOCK_LIST: kept in fp32 between Casts
    "ArrayFeatureExtractor", "Binarizer", "CastMap", "CategoryMapper", "DictVectorizer", "FeatureVectorizer",
    "Imputer", "LabelEncoder", "LinearClassifier", "LinearRegressor", "Normalizer", "OneHotEncoder",
    "RandomUniformLike", "SVMClassifier", "SVMRegressor", "Scaler", "TreeEnsembleClassifier",
    "TreeEnsembleRegressor", "ZipMap", "NonMaxSuppression", "TopK", "RoiAlign", "Resize", "CumSum", "Min", "Max",
    "Upsample", "RandomNormalLike", "Cast")


def to_float16(values, min_positive_val=1e-7, max_finite_val=1e4):
    """float16.py's conversion: magnitudes below min_positive_val or above max_finite_val are
    clamped to them (keeping the sign; 0, inf and NaN unchanged)."""
    v = np.asarray(values, np.float32)
    v = np.where((v > 0) & (v < min_positive_val), min_positive_val, v)
    v = np.where((v < 0) & (v > -min_positive_val), -min_positive_val, v)
    v = np.where((v > max_finite_val) & (v < np.inf), max_finite_val, v)
    v = np.where((v < -max_finite_val) & (v > -np.inf), -max_finite_val, v)
    return v.astype(np.float16)


def _tensor_to_float16(t):
    if t.data_type == FLOAT:
        t.CopyFrom(numpy_helper.from_array(to_float16(numpy_helper.to_array(t)), t.name))


def _cast_node(src, dst, name, to):
    return helper.make_node("Cast", [src], [dst], name, to=to)


def _cast_blocked_edges(g, nodes, n, role, typed):
    """float16.py's casts around an op kept in fp32: each fp16 input is read through a Cast to
    fp32 (role "input"); each fp32 output is written under a new name and Cast back to fp16 (role
    "output"), so the value keeps its name and becomes fp16."""
    by_name = {}
    for vi in typed:
        by_name.setdefault(vi.name, vi)
    edges = n.input if role == "input" else n.output
    seen_type = FLOAT16 if role == "input" else FLOAT
    for i, name in enumerate(edges):
        vi = by_name.get(name)
        if vi is None or vi.type.tensor_type.elem_type != seen_type:
            continue
        cast_value = f"{n.name}_{role}_cast_{i}"
        cast_name = f"{n.name}_{role}_cast{i}"
        g.value_info.append(_retyped_value_info(vi, cast_value, FLOAT))
        if role == "input":
            nodes.append(_cast_node(name, cast_value, cast_name, FLOAT))
        else:
            vi.type.tensor_type.elem_type = FLOAT16
            nodes.append(_cast_node(cast_value, name, cast_name, FLOAT16))
        edges[i] = cast_value


def convert_float_to_float16(model, keep_io_types=True, op_block_list=FP16_OP_BLOCK_LIST):
    """float16.py's convert_float_to_float16 (top-level graph) followed by a topological sort."""
    no_subgraphs(model, "convert_float_to_float16")
    if any(t.data_type == FLOAT16 for t in model.graph.initializer) or any(
            n.op_type == "Cast" and helper.get_attribute_value(n.attribute[0]) == FLOAT16 for n in model.graph.node):
        raise ValueError("convert_float_to_float16: the model is already in float16")
    model = infer_shapes(model)
    g = model.graph
    nodes = [copy_of(n) for n in g.node]  # Casts join this list at once, so later renames reach them
    # float16.py names the tensors around a blocked node after the node: an unnamed one (FastDepth's
    # Resizes) would give duplicate names and an invalid model, so it gets a name first
    for i, n in enumerate(nodes):
        if not n.name and n.op_type in op_block_list:
            n.name = f"{n.op_type}_{i}"
    blocked = [n for n in nodes if n.op_type in op_block_list]
    # the graph's float inputs: one Cast each, read by all their readers
    if keep_io_types:
        for gi in g.input:
            readers = [n for n in nodes if gi.name in n.input]
            if gi.type.tensor_type.elem_type != FLOAT or not readers:
                continue
            for n in readers:
                n.input[:] = [gi.name + "_fp16" if i == gi.name else i for i in n.input]
            nodes.append(_cast_node(gi.name, gi.name + "_fp16", gi.name + "_fp16", FLOAT16))
            g.value_info.append(_retyped_value_info(gi, gi.name + "_fp16", FLOAT16))
    # the graph's float outputs: written as <name>_fp16 and Cast back to fp32 (before the blocked
    # ops are handled, so a blocked op that writes an output gets its Cast to fp16 too)
    if keep_io_types:
        for go in g.output:
            if go.type.tensor_type.elem_type != FLOAT:
                continue
            producer = next(n for n in nodes if go.name in n.output)
            producer.output[:] = [go.name + "_fp16" if o == go.name else o for o in producer.output]
            for n in nodes:
                n.input[:] = [go.name + "_fp16" if i == go.name else i for i in n.input]
            nodes.append(_cast_node(go.name + "_fp16", go.name, f"{go.name}_fp16_input_cast{len(producer.output) - 1}", FLOAT))
            g.value_info.append(_retyped_value_info(go, go.name + "_fp16", FLOAT))
    # constants in attributes, value types: fp16, except what blocked ops and Casts write
    kept_fp32 = {o for n in nodes if n.op_type in op_block_list or n.op_type == "Cast" for o in n.output}
    for n in nodes:
        if n.op_type in op_block_list or n.op_type == "Cast":
            continue
        for a in n.attribute:
            if a.type == helper.AttributeProto.TENSOR:
                _tensor_to_float16(a.t)
            for t in a.tensors:
                _tensor_to_float16(t)
    for vi in g.value_info:
        if vi.name not in kept_fp32 and vi.type.tensor_type.elem_type == FLOAT:
            vi.type.tensor_type.elem_type = FLOAT16
    # blocked ops: Cast to fp32 before each fp16 input, Cast back to fp16 after each fp32 output
    for n in blocked:
        _cast_blocked_edges(g, nodes, n, "input", list(g.value_info) + list(g.input))
        _cast_blocked_edges(g, nodes, n, "output", list(g.value_info) + list(g.output))
    # initializers: fp16 unless a blocked op reads them (e.g. Resize's scales)
    read_by_blocked = {i for n in blocked for i in n.input}
    for t in g.initializer:
        if t.name not in read_by_blocked:
            _tensor_to_float16(t)
    if not keep_io_types:
        for vi in list(g.input) + list(g.output):
            if vi.type.tensor_type.elem_type == FLOAT:
                vi.type.tensor_type.elem_type = FLOAT16
    del g.node[:]
    g.node.extend(toposort(nodes))
    return model


def copy_of(message):
    duplicate = type(message)()
    duplicate.CopyFrom(message)
    return duplicate


def _retyped_value_info(vi, name, elem_type):
    retyped = copy_of(vi)
    retyped.name = name
    retyped.type.tensor_type.elem_type = elem_type
    return retyped


# ----------------------------------------------------------------------------- QDQ (static)


def qdq_inputs(model):
    """The activations a QDQ model quantizes: the inputs of MatMuls with a 2-D constant B and of
    Convs with a constant weight (what calibration must measure)."""
    inits = initializer_arrays(model)
    names = []
    for n in model.graph.node:
        if (n.op_type == "MatMul" and constant_float(inits, n.input[1], 2) is not None) or (
                n.op_type == "Conv" and constant_float(inits, n.input[1]) is not None):
            if n.input[0] not in names:
                names.append(n.input[0])
    return names


def quantize_qdq(model, tensor_ranges, activation_type=UINT8, weight_type=INT8):
    """QDQ form of a static quantization: each MatMul (2-D constant B) and Conv reads
    DequantizeLinear(QuantizeLinear(x)) with x's calibrated (min, max) from tensor_ranges, and a
    DequantizeLinear of its weight quantized per channel (Conv: output channels, axis 0; MatMul:
    columns, axis 1), symmetric int8. Names as onnxruntime's QDQ quantizer gives them."""
    no_subgraphs(model, "quantize_qdq")
    model = copy_of(model)
    inits = initializer_arrays(model)
    pairs, weights, new_nodes, new_inits = {}, {}, [], []

    def dequantized_activation(x):
        if x not in pairs:
            lo, hi = tensor_ranges[x]
            scale, zp = scale_zero_point(lo, hi, activation_type, symmetric=False)
            new_inits.extend([helper.make_tensor(x + "_scale", FLOAT, [], [float(scale)]),
                              helper.make_tensor(x + "_zero_point", activation_type, [], [int(zp)])])
            new_nodes.extend([
                helper.make_node("QuantizeLinear", [x, x + "_scale", x + "_zero_point"], [x + "_QuantizeLinear_Output"], x + "_QuantizeLinear"),
                helper.make_node("DequantizeLinear", [x + "_QuantizeLinear_Output", x + "_scale", x + "_zero_point"],
                                 [x + "_DequantizeLinear_Output"], x + "_DequantizeLinear")])
            pairs[x] = x + "_DequantizeLinear_Output"
        return pairs[x]

    def dequantized_weight(name, axis):
        if name not in weights:
            q, scale, zp = quantize_weight(numpy_helper.to_array(inits[name]), weight_type, True, False, axis)
            new_inits.extend(weight_initializers(name, q, scale, zp, weight_type))
            new_nodes.append(helper.make_node("DequantizeLinear", [name + "_quantized", name + "_scale", name + "_zero_point"],
                                              [name + "_DequantizeLinear_Output"], name + "_DequantizeLinear", axis=axis))
            weights[name] = name + "_DequantizeLinear_Output"
        return weights[name]

    for node in model.graph.node:
        is_matmul = node.op_type == "MatMul" and constant_float(inits, node.input[1], 2) is not None
        is_conv = node.op_type == "Conv" and constant_float(inits, node.input[1]) is not None
        if is_matmul or is_conv:
            x = dequantized_activation(node.input[0])
            w = dequantized_weight(node.input[1], 1 if is_matmul else 0)
            node.input[0], node.input[1] = x, w
        new_nodes.append(node)
    del model.graph.node[:]
    model.graph.node.extend(new_nodes)
    model.graph.initializer.extend(new_inits)
    remove_unused_initializers(model)
    return model
