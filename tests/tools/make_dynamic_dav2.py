#!/usr/bin/python3
"""make_dynamic_dav2.py IN.onnx OUT.onnx

Turns ../shared/models/depth_anything_v2_small_dynamic.graph.onnx into a graph that runs at any
height x width that are multiples of 14, the form Hugging Face's tracing export of Dinov2 gives
(onnx-community/depth-anything-v2-small's model.onnx): the learned 37x37 position embeddings are
resized bicubically to the patch grid of the input inside the graph.

The shared file was exported with torch.export at 518x518: its input is [batch,3,height,height],
the patch count is computed as (H/14)^2, the position embeddings are added unchanged (1370 tokens)
and the last Resize has the constant size 518x518. So it only runs at 518x518, in onnxruntime too.
This tool changes exactly those places (initializers, external or not, are kept as they are):
  - input [batch,3,height,width]; W = Shape(x)[3], and W/14 where the graph used H/14 a second time;
  - patch count (H/14)*(W/14); the neck's reshapes and resizes use (H/14, W/14);
  - position embeddings: cls token + Resize(cubic, a=-0.75, pytorch_half_pixel) of the 37x37 grid
    to (H/14, W/14), as transformers' Dinov2Embeddings.interpolate_pos_encoding does;
  - the last Resize goes to (H, W);
  - the stored value-info (shapes at 518x518, which onnxruntime's fusions trust) is dropped.
Needs Debian's python3-onnx.
"""
import sys

import onnx
from onnx import helper, numpy_helper
import numpy as np

INT64_MAX = np.iinfo(np.int64).max


def const(name, values):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.asarray(values, dtype=np.int64), name))


def node_by_name(graph, name):
    for n in graph.node:
        if n.name == name:
            return n
    sys.exit(f"make_dynamic_dav2: node {name} not found: not the expected Depth Anything V2 graph")


def width_nodes():
    """W (1-D), W/14 (scalar and 1-D), 2*W/14 and 4*W/14 (1-D) from the input."""
    n = helper.make_node
    return [
        n("Shape", ["pixel_values"], ["dv_w_1d"], start=3, end=4, name="dv_shape_w"),
        n("Squeeze", ["dv_w_1d"], ["dv_w"], name="dv_squeeze_w"),
        n("Div", ["dv_w", "val_5"], ["dv_gw"], name="dv_grid_w"),  # val_5 = 14
        const("dv_minus1", [-1]),
        n("Reshape", ["dv_gw", "dv_minus1"], ["dv_gw_1d"], name="dv_grid_w_1d"),
        n("Reshape", ["floordiv_3", "dv_minus1"], ["dv_gh_1d"], name="dv_grid_h_1d"),
        const("dv_two", [2]),
        const("dv_four", [4]),
        n("Mul", ["dv_gw_1d", "dv_two"], ["dv_gw2_1d"], name="dv_grid_w_x2"),
        n("Mul", ["dv_gw_1d", "dv_four"], ["dv_gw4_1d"], name="dv_grid_w_x4"),
    ]


def position_embedding_nodes(grid, channels):
    """pos[:, :1] ++ resize_bicubic(pos[:, 1:] as a grid x grid image, to (H/14, W/14))."""
    n = helper.make_node
    pos = "backbone.embeddings.position_embeddings"
    return [
        const("dv_axis1", [1]), const("dv_zero", [0]), const("dv_one", [1]), const("dv_end", [INT64_MAX]),
        n("Slice", [pos, "dv_zero", "dv_one", "dv_axis1"], ["dv_pos_cls"], name="dv_pos_cls"),
        n("Slice", [pos, "dv_one", "dv_end", "dv_axis1"], ["dv_pos_patch"], name="dv_pos_patch"),
        const("dv_pos_grid_shape", [1, grid, grid, channels]),
        n("Reshape", ["dv_pos_patch", "dv_pos_grid_shape"], ["dv_pos_grid"], name="dv_pos_grid"),
        n("Transpose", ["dv_pos_grid"], ["dv_pos_nchw"], perm=[0, 3, 1, 2], name="dv_pos_nchw"),
        const("dv_pos_nc", [1, channels]),
        n("Concat", ["dv_pos_nc", "dv_gh_1d", "dv_gw_1d"], ["dv_pos_sizes"], axis=0, name="dv_pos_sizes"),
        n("Resize", ["dv_pos_nchw", "", "", "dv_pos_sizes"], ["dv_pos_resized"], mode="cubic", cubic_coeff_a=-0.75,
          coordinate_transformation_mode="pytorch_half_pixel", name="dv_pos_interpolate"),
        n("Transpose", ["dv_pos_resized"], ["dv_pos_nhwc"], perm=[0, 2, 3, 1], name="dv_pos_nhwc"),
        const("dv_pos_tokens_shape", [1, -1, channels]),
        n("Reshape", ["dv_pos_nhwc", "dv_pos_tokens_shape"], ["dv_pos_tokens"], name="dv_pos_tokens"),
        n("Concat", ["dv_pos_cls", "dv_pos_tokens"], ["dv_position_embeddings"], axis=1, name="dv_pos_concat"),
    ]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    model = onnx.load(sys.argv[1], load_external_data=False)
    g = model.graph
    dims = g.input[0].type.tensor_type.shape.dim
    dims[2].dim_param, dims[3].dim_param = "height", "width"
    pos = next(i for i in g.initializer if i.name == "backbone.embeddings.position_embeddings")
    tokens, channels = pos.dims[1], pos.dims[2]
    grid = int(round((tokens - 1) ** 0.5))
    assert grid * grid + 1 == tokens, "position embeddings are not a square grid plus a cls token"

    # Patch count (H/14)^2 -> (H/14)*(W/14).
    pow_node = node_by_name(g, "node_pow_3")
    pow_node.op_type, pow_node.input[1] = "Mul", "dv_gw"
    # The neck: [B, H/14, H/14, C] views and resizes to k*(H/14) on both axes.
    node_by_name(g, "node_Concat_805").input[2] = "dv_gw_1d"
    node_by_name(g, "node_Concat_880").input[1] = "dv_gw_1d"
    node_by_name(g, "node_Concat_888").input[1] = "dv_gw2_1d"
    node_by_name(g, "node_Concat_897").input[1] = "dv_gw4_1d"
    # The last resize: constant 1x32x518x518 -> 1x32xHxW.
    last = node_by_name(g, "node_upsample_bilinear2d_4")
    last.input[3] = "dv_final_sizes"
    final = [const("dv_batch_channels", [1, 32]),
             helper.make_node("Concat", ["dv_batch_channels", "val_1", "dv_w_1d"], ["dv_final_sizes"], axis=0, name="dv_final_sizes")]
    # Position embeddings interpolated to the grid.
    add = node_by_name(g, "node_add_21")
    add.input[1] = "dv_position_embeddings"

    nodes = []
    for node in g.node:
        if node is add:
            nodes += position_embedding_nodes(grid, channels)
        if node is last:
            nodes += final
        nodes.append(node)
        if node.name == "node_floordiv_3":
            nodes += width_nodes()
    del g.node[:]
    g.node.extend(nodes)
    # The stored value-info pins 1370 tokens and 518-pixel sides; onnxruntime's fusions trust it.
    del g.value_info[:]
    out_dims = g.output[0].type.tensor_type.shape.dim
    if len(out_dims) == 3:
        out_dims[1].dim_param, out_dims[2].dim_param = "height", "width"
    onnx.save(model, sys.argv[2])
    print(f"make_dynamic_dav2: wrote {sys.argv[2]} (input [batch,3,height,width], {grid}x{grid} position grid resized bicubically)")


if __name__ == "__main__":
    main()
