#include "compressed_decoder.h"

#include <zlib.h>

#include <algorithm>
#include <vector>

#include "pickle_decoder.h"
#include "view_builder.h"
#include "zip_reader.h"

namespace keyward {
namespace {

struct GzStream {
  z_stream z{};
  bool live = false;
  ~GzStream() {
    if (live) inflateEnd(&z);
  }
};

// Inflates every gzip member of data (gzip -c a b > c.gz writes several) into out, at most
// budget bytes. Returns "" or why part of it stays unread.
std::string gunzip(std::string_view data, size_t budget, std::string& out) {
  GzStream s;
  if (inflateInit2(&s.z, 15 + 16) != Z_OK) return "zlib could not start";
  s.live = true;
  s.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.z.avail_in = static_cast<uInt>(std::min<size_t>(data.size(), UINT32_MAX));
  char buf[65536];
  for (;;) {
    s.z.next_out = reinterpret_cast<Bytef*>(buf);
    s.z.avail_out = sizeof buf;
    int rc = inflate(&s.z, Z_NO_FLUSH);
    size_t got = sizeof buf - s.z.avail_out;
    if (out.size() + got > budget) {
      out.append(buf, budget - out.size());
      return "its gzip content inflates past the decoding budget";
    }
    out.append(buf, got);
    if (rc == Z_STREAM_END) {
      // Another member may follow (trailing zero padding is allowed too).
      size_t rest = s.z.avail_in;
      if (rest == 0) return "";
      const unsigned char* p = s.z.next_in;
      if (rest < 2 || p[0] != 0x1f || p[1] != 0x8b) return "";
      if (inflateReset(&s.z) != Z_OK) return "zlib could not continue";
      continue;
    }
    if (rc == Z_BUF_ERROR && s.z.avail_in == 0) return "its gzip stream is cut short";
    if (rc != Z_OK && rc != Z_BUF_ERROR) return "its gzip stream is damaged";
  }
}

}  // namespace

bool decode_compressed(std::string_view data, size_t budget, View& out, std::string* incomplete) {
  auto fail = [&](const std::string& why) {
    if (incomplete->empty()) *incomplete = why;
  };
  if (data.size() >= 3 && static_cast<unsigned char>(data[0]) == 0x1f && static_cast<unsigned char>(data[1]) == 0x8b &&
      data[2] == 8) {
    ViewBuilder b("gzip");
    std::string text;
    std::string why = gunzip(data, budget, text);
    if (!why.empty()) fail(why + "; not scanned in full");
    if (text.empty()) return false;
    b.decoded(text, 0, 1);  // the whole text stands for the file's first byte: where it starts
    b.finish(out);
    return true;
  }
  if (!zip_sig(data, 0, "PK\x03\x04")) return false;
  std::vector<ZipMember> members;
  if (!zip_members(data, members)) return false;  // stored members are in the raw bytes
  ViewBuilder b("zip");
  size_t inflated = 0;
  std::string buf;
  for (const ZipMember& m : members) {
    if (m.method == 0 || is_pickle_member_name(m.name) || m.name.empty() || m.name.back() == '/') continue;
    std::string what = "the zip member whose header is at byte " + std::to_string(m.local);  // names are content
    for (char& c : what)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    if (m.flags & 1) { fail(what + " is encrypted; not scanned"); continue; }
    if (m.method != 8) { fail(what + " is compressed with method " + std::to_string(m.method) + "; not scanned"); continue; }
    if (!zip_sig(data, m.local, "PK\x03\x04") || data.size() - m.local < 30) { fail(what + ": its local header is missing"); continue; }
    size_t lh = static_cast<size_t>(m.local);
    auto u16 = [&](size_t at) { return static_cast<uint64_t>(static_cast<unsigned char>(data[at])) |
                                       static_cast<uint64_t>(static_cast<unsigned char>(data[at + 1])) << 8; };
    uint64_t at = m.local + 30 + u16(lh + 26) + u16(lh + 28);
    if (at > data.size() || m.csize > data.size() - at) { fail(what + ": its data is cut short"); continue; }
    if (m.usize > budget || inflated + m.usize > budget) { fail(what + " inflates past the decoding budget; not scanned"); continue; }
    if (!inflate_member(data.substr(static_cast<size_t>(at), static_cast<size_t>(m.csize)), buf, static_cast<size_t>(m.usize))) {
      fail(what + " does not inflate; not scanned");
      continue;
    }
    inflated += buf.size();
    buf += '\n';  // members never run into each other
    b.decoded(buf, static_cast<size_t>(at), static_cast<size_t>(at) + 1);  // points at where the member starts
  }
  if (b.empty()) return false;
  b.finish(out);
  return true;
}

}  // namespace keyward
