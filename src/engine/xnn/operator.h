// An XNNPACK operator (the operator-level API, outside a subgraph) owned like any other object.
#pragma once

#include <memory>

#include <xnnpack.h>

namespace dv::xnn {

struct OperatorDeleter {
  void operator()(xnn_operator_t op) const { xnn_delete_operator(op); }
};
using Operator = std::unique_ptr<xnn_operator, OperatorDeleter>;

}  // namespace dv::xnn
