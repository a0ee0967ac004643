#include "engine/xnn/layout.h"

#include <algorithm>
#include <iterator>

namespace dv::xnn {

size_t nhwc_axis(size_t axis) {
  return size_t(std::find(std::begin(kNchwToNhwc), std::end(kNchwToNhwc), axis) - std::begin(kNchwToNhwc));
}

std::vector<float> broadcastable_in_nhwc(const std::vector<float>& data, ir::Shape& shape) {
  ir::Shape s = shape;
  while (s.size() < 4) s.insert(s.begin(), 1);
  const ir::Shape n = to_nhwc(s);
  std::vector<float> t(data.size());
  for (int64_t a = 0; a < s[0]; ++a)
    for (int64_t c = 0; c < s[1]; ++c)
      for (int64_t y = 0; y < s[2]; ++y)
        for (int64_t x = 0; x < s[3]; ++x)
          t[size_t(((a * n[1] + y) * n[2] + x) * n[3] + c)] = data[size_t(((a * s[1] + c) * s[2] + y) * s[3] + x)];
  shape = n;
  return t;
}

}  // namespace dv::xnn
