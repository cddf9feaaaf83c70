// Which findings of a modified blob are new: only those touching an added or changed line
// block a commit. Lines are those of the blob's own bytes, ended by '\n', "\r\n" or a lone
// '\r' (as locate() ends them), and a finding is placed by its byte span, never by its
// reported line: a finding in UTF-16 text is reported in decoded lines, but a code unit
// such as U+4E0A holds a 0x0A byte, so decoded and byte lines differ. The same byte
// lines on both sides of the diff make the test exact in every encoding.
#pragma once
#include <git2.h>

#include <string_view>
#include <utility>
#include <vector>

#include "result.h"

namespace keyward {

using ByteSpans = std::vector<std::pair<size_t, size_t>>;  // [begin, end) offsets in new_blob

// For each span of new_blob, whether it touches a line added or changed relative to
// old_blob.
Result<std::vector<bool>> added_spans(git_repository* repo, const git_oid& old_blob, const git_oid& new_blob,
                                      const ByteSpans& spans);
Result<std::vector<bool>> added_spans(std::string_view old_data, std::string_view new_data, const ByteSpans& spans);

}  // namespace keyward
