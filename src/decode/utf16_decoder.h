// UTF-16 text (Windows tools write it, with a byte-order mark) is transcoded to UTF-8 so
// rules written for ASCII see it; ASCII runs map back with a stride of two bytes.
#pragma once
#include <cstddef>
#include <string_view>

#include "view.h"

namespace keyward {

enum class Utf16Bom { None, Le, Be };
Utf16Bom utf16_bom(std::string_view data);

// A "utf-16" view of data after its BOM, at most budget bytes; false without a BOM.
bool decode_utf16(std::string_view data, size_t budget, View& out);

}  // namespace keyward
