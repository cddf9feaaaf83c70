// Python pickles hold their strings between opcodes: protocol 0 writes a 'V' before each
// one, protocols 2 and 3 a BINPUT 'q' right after it, so in the raw bytes a token is glued
// to letters and its word boundaries fail. torch.save writes a zip whose archive/data.pkl
// member is such a pickle (training_args.bin, *.pt). This decoder reads the string values
// out of pickles, top-level or zip members, one per line of a "pickle" view mapped back to
// the blob.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "view.h"

namespace keyward {

// The zip members worth reading as pickles.
bool is_pickle_member_name(std::string_view name);

// A "pickle" view of the strings in data when it is a pickle (protocol 2-5 magic, or a
// protocol 0/1 pickle that parses to its STOP at the very end) or a zip holding .pkl
// members. Stored members map exactly to the blob; strings from deflated members map to
// about where they lie in the member's compressed bytes (proportionally). Never holds more
// than budget bytes, nor inflates more than that. Returns false when there is nothing to
// show. After an unknown opcode or a cut argument (joblib's in-band numpy bytes, a cut
// download) the rest is still searched for counted strings, never dropped. Sets
// *incomplete (and may still return a view) when part of it stays unread: a member
// compressed another way or encrypted, a zip without a central directory, a budget
// reached. The caller must not pass such a blob.
bool decode_pickle(std::string_view data, size_t budget, View& out, std::string* incomplete);

}  // namespace keyward
