// Compressed content: a gzip file (magic 1f 8b: *.gz, a .gitattributes clean filter that
// runs gzip) or the deflated members of a zip hold text that the raw bytes never show. This
// decoder inflates them into one "gzip" or "zip" view (whose offsets map to the compressed
// bytes they came from), bounded by the decoding budget.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "view.h"

namespace keyward {

// False when data is neither gzip nor a zip with deflated members. Sets *incomplete (the
// caller then fails closed) when part of it stays unread: it inflates past `budget`, the
// stream is damaged or cut short, a member is encrypted or compressed another way.
// Members the pickle decoder reads (.pkl) are left to it.
bool decode_compressed(std::string_view data, size_t budget, View& out, std::string* incomplete);

}  // namespace keyward
