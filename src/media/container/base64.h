// Base64 (RFC 4648) decoding with libb64, after a check that libb64 does not make: it silently
// skips every character outside the alphabet, so damaged data would decode to wrong bytes.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace dv::media {

// Decodes base64 text; white space is allowed anywhere (XMP writers wrap long values). Throws
// ContainerError("<what> is not valid base64") for any other character outside the alphabet,
// data after the '=' padding, or a length that cannot be whole bytes.
std::vector<uint8_t> decode_base64(std::string_view text, std::string_view what);

}  // namespace dv::media
