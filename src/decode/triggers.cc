#include "triggers.h"

#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define KEYWARD_AVX2 1
#endif

#include "base64_decoder.h"

namespace keyward {
namespace {

constexpr bool b64(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
         c == '-' || c == '_';
}

// What decode_encoded_commands refuses before a switch: a word character or '/'.
constexpr bool word_or_slash(unsigned char c) { return b64(c) && c != '+'; }

unsigned char at(std::string_view d, size_t i) { return static_cast<unsigned char>(d[i]); }

// decode_quoted_printable's words, of which the 'd' at p is the fifth letter.
bool qp_word_at(std::string_view d, size_t p) {
  if (p < 4) return false;
  std::string_view w = d.substr(p - 4, 15);
  return w == "uoted-printable" || w == "UOTED-PRINTABLE" || w == "uoted-Printable";
}

// The triggers of the byte at p (reading up to p + 2 and p - 1), and the base64 run
// ending at p, one byte at a time: the head and tail of the vector loop, and the whole of
// it without SSE2.
void scalar_step(std::string_view d, size_t p, size_t& run, BlobTriggers& t) {
  const size_t n = d.size();
  unsigned char c = at(d, p);
  unsigned char c1 = p + 1 < n ? at(d, p + 1) : 0, c2 = p + 2 < n ? at(d, p + 2) : 0;
  bool has1 = p + 1 < n, has2 = p + 2 < n;
  t.nul |= c == 0;
  t.backslash |= c == '\\';
  t.percent |= c == '%';
  t.esc |= c == 0x1B;
  t.html_ref |= c == '&' && has1 && c1 == '#';
  t.qp |= has2 && ((c == '=' && c1 == '3' && (c2 | 0x20) == 'd') || ((c | 0x20) == 'd' && c1 == '-' && qp_word_at(d, p)));
  t.data_uri |= has2 && c == ';' && c1 == 'b' && c2 == 'a';
  t.ps_switch |= (c == '-' || c == '/') && has1 && (c1 | 0x20) == 'e' && (p == 0 || !word_or_slash(at(d, p - 1)));
  run = b64(c) ? run + 1 : 0;
  t.base64_run |= run >= kMinBase64Run;
}

#if defined(__SSE2__)
inline __m128i in_range(__m128i v, char lo, char span) {  // lo <= v <= lo + span, unsigned
  __m128i s = _mm_sub_epi8(v, _mm_set1_epi8(lo));
  return _mm_cmpeq_epi8(_mm_min_epu8(s, _mm_set1_epi8(span)), s);
}
inline __m128i eq(__m128i v, char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); }

inline __m128i base64_class(__m128i c) {
  __m128i lower = _mm_or_si128(c, _mm_set1_epi8(0x20));
  __m128i m = _mm_or_si128(in_range(lower, 'a', 25), in_range(c, '0', 9));
  m = _mm_or_si128(m, _mm_or_si128(eq(c, '+'), eq(c, '/')));
  return _mm_or_si128(m, _mm_or_si128(eq(c, '-'), eq(c, '_')));
}

// Folds one 16-byte mask of base64 characters (bit k: byte p + k) into the run ending
// before p; true once a run reaches kMinBase64Run, with *start where it begins. A run
// of 20 cannot lie inside 16 bytes, so only the run carried in and the leading bytes count.
inline bool fold_run(unsigned m, size_t p, size_t& run, size_t* start) {
  if (m == 0xFFFF) {
    run += 16;
    if (run >= kMinBase64Run) return *start = p + 16 - run, true;
    return false;
  }
  unsigned inv = ~m & 0xFFFF;
  size_t lead = static_cast<size_t>(__builtin_ctz(inv));
  if (run + lead >= kMinBase64Run) return *start = p - run, true;
  run = static_cast<size_t>(15 - (31 - __builtin_clz(inv)));  // the base64 bytes at the end
  return false;
}
#endif

#if defined(KEYWARD_AVX2)
// The same, 32 bytes at a time, on CPUs that have AVX2 (chosen at run time: the build
// targets baseline x86-64).
#define KW_AVX2 __attribute__((target("avx2")))
KW_AVX2 inline __m256i eq32(__m256i v, char c) { return _mm256_cmpeq_epi8(v, _mm256_set1_epi8(c)); }
KW_AVX2 inline __m256i in_range32(__m256i v, char lo, char span) {
  __m256i s = _mm256_sub_epi8(v, _mm256_set1_epi8(lo));
  return _mm256_cmpeq_epi8(_mm256_min_epu8(s, _mm256_set1_epi8(span)), s);
}
KW_AVX2 inline unsigned base64_mask32(__m256i c) {
  __m256i lower = _mm256_or_si256(c, _mm256_set1_epi8(0x20));
  __m256i m = _mm256_or_si256(in_range32(lower, 'a', 25), in_range32(c, '0', 9));
  m = _mm256_or_si256(m, _mm256_or_si256(eq32(c, '+'), eq32(c, '/')));
  m = _mm256_or_si256(m, _mm256_or_si256(eq32(c, '-'), eq32(c, '_')));
  return static_cast<unsigned>(_mm256_movemask_epi8(m));
}

// fold_run for 32 bytes, where a run of 20 can also lie inside.
inline bool fold_run32(uint32_t m, size_t p, size_t& run, size_t* start) {
  if (m == 0xFFFFFFFFu) {
    run += 32;
    return *start = p + 32 - run, true;  // 32 >= kMinBase64Run
  }
  uint32_t inv = ~m;
  size_t lead = static_cast<size_t>(__builtin_ctz(inv));
  if (run + lead >= kMinBase64Run) return *start = p - run, true;
  static_assert(kMinBase64Run == 20, "the shifts below find runs of 20");
  uint32_t a2 = m & (m >> 1), a4 = a2 & (a2 >> 2), a8 = a4 & (a4 >> 4), a16 = a8 & (a8 >> 8);
  if (uint32_t a20 = a16 & (a4 >> 16)) return *start = p + static_cast<size_t>(__builtin_ctz(a20)), true;
  run = static_cast<size_t>(__builtin_clz(inv));  // the base64 bytes at the end
  return false;
}

KW_AVX2 size_t triggers_avx2(std::string_view d, size_t p, size_t& run, BlobTriggers& t) {
  const size_t n = d.size();
  const char* s = d.data();
  const __m256i zero = _mm256_setzero_si256(), lower = _mm256_set1_epi8(0x20);
  __m256i nul = zero, bsl = zero, pct = zero, esc = zero, html = zero, qp = zero, duri = zero;
  for (; p + 34 <= n; p += 32) {
    __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + p));
    __m256i c1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + p + 1));
    __m256i c2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + p + 2));
    __m256i cl = _mm256_or_si256(c, lower), c1l = _mm256_or_si256(c1, lower), c2l = _mm256_or_si256(c2, lower);
    nul = _mm256_or_si256(nul, _mm256_cmpeq_epi8(c, zero));
    bsl = _mm256_or_si256(bsl, eq32(c, '\\'));
    pct = _mm256_or_si256(pct, eq32(c, '%'));
    esc = _mm256_or_si256(esc, eq32(c, 0x1B));
    html = _mm256_or_si256(html, _mm256_and_si256(eq32(c, '&'), eq32(c1, '#')));
    qp = _mm256_or_si256(qp, _mm256_and_si256(_mm256_and_si256(eq32(c, '='), eq32(c1, '3')), eq32(c2l, 'd')));
    duri = _mm256_or_si256(duri, _mm256_and_si256(_mm256_and_si256(eq32(c, ';'), eq32(c1, 'b')), eq32(c2, 'a')));
    if (!t.qp) {
      __m256i words = _mm256_and_si256(_mm256_and_si256(eq32(cl, 'd'), eq32(c1, '-')), eq32(c2l, 'p'));
      for (uint32_t m = static_cast<uint32_t>(_mm256_movemask_epi8(words)); m; m &= m - 1)
        if (qp_word_at(d, p + static_cast<size_t>(__builtin_ctz(m)))) t.qp = true;
    }
    if (!t.ps_switch) {
      __m256i sw = _mm256_and_si256(_mm256_or_si256(eq32(c, '-'), eq32(c, '/')), eq32(c1l, 'e'));
      for (uint32_t m = static_cast<uint32_t>(_mm256_movemask_epi8(sw)); m; m &= m - 1)
        if (!word_or_slash(at(d, p + static_cast<size_t>(__builtin_ctz(m)) - 1))) t.ps_switch = true;
    }
    if (!t.base64_run) {
      size_t start;
      t.base64_run = fold_run32(base64_mask32(c), p, run, &start);
    }
  }
  auto any = [](__m256i v) KW_AVX2 { return _mm256_movemask_epi8(v) != 0; };
  t.nul |= any(nul), t.backslash |= any(bsl), t.percent |= any(pct), t.esc |= any(esc);
  t.html_ref |= any(html), t.qp |= any(qp), t.data_uri |= any(duri);
  return p;
}

KW_AVX2 bool window_avx2(std::string_view d, size_t& p, size_t& run, size_t* start) {
  for (; p + 32 <= d.size(); p += 32)
    if (fold_run32(base64_mask32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(d.data() + p))), p, run, start))
      return true;
  return false;
}

bool have_avx2() { return __builtin_cpu_supports("avx2"); }
#endif

}  // namespace

BlobTriggers find_triggers(std::string_view d) {
  BlobTriggers t;
  const size_t n = d.size();
  size_t run = 0, p = 0;
  if (n > 0) scalar_step(d, p++, run, t);  // p - 1 is read below
#if defined(KEYWARD_AVX2)
  if (have_avx2()) p = triggers_avx2(d, p, run, t);
#endif
#if defined(__SSE2__)
  const char* s = d.data();
  __m128i nul = _mm_setzero_si128(), bsl = nul, pct = nul, esc = nul, html = nul, qp = nul, duri = nul;
  const __m128i lower = _mm_set1_epi8(0x20);
  for (; p + 18 <= n; p += 16) {
    __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + p));
    __m128i c1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + p + 1));
    __m128i c2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + p + 2));
    __m128i cl = _mm_or_si128(c, lower), c1l = _mm_or_si128(c1, lower), c2l = _mm_or_si128(c2, lower);
    nul = _mm_or_si128(nul, eq(c, 0));
    bsl = _mm_or_si128(bsl, eq(c, '\\'));
    pct = _mm_or_si128(pct, eq(c, '%'));
    esc = _mm_or_si128(esc, eq(c, 0x1B));
    html = _mm_or_si128(html, _mm_and_si128(eq(c, '&'), eq(c1, '#')));
    qp = _mm_or_si128(qp, _mm_and_si128(_mm_and_si128(eq(c, '='), eq(c1, '3')), eq(c2l, 'd')));
    if (!t.qp) {
      __m128i words = _mm_and_si128(_mm_and_si128(eq(cl, 'd'), eq(c1, '-')), eq(c2l, 'p'));
      // Rare ("read-protected"): each such "d-p" is read as the word it may be part of.
      for (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(words)); m; m &= m - 1)
        if (qp_word_at(d, p + static_cast<size_t>(__builtin_ctz(m)))) t.qp = true;
    }
    duri = _mm_or_si128(duri, _mm_and_si128(_mm_and_si128(eq(c, ';'), eq(c1, 'b')), eq(c2, 'a')));
    if (!t.ps_switch) {
      __m128i sw = _mm_and_si128(_mm_or_si128(eq(c, '-'), eq(c, '/')), eq(c1l, 'e'));
      // Rare: the byte before each such pair is judged one by one.
      for (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(sw)); m; m &= m - 1)
        if (!word_or_slash(at(d, p + static_cast<size_t>(__builtin_ctz(m)) - 1))) t.ps_switch = true;
    }
    if (!t.base64_run) {
      size_t start;
      t.base64_run = fold_run(static_cast<unsigned>(_mm_movemask_epi8(base64_class(c))), p, run, &start);
    }
  }
  auto any = [](__m128i v) { return _mm_movemask_epi8(v) != 0; };
  t.nul |= any(nul), t.backslash |= any(bsl), t.percent |= any(pct), t.esc |= any(esc);
  t.html_ref |= any(html), t.qp |= any(qp), t.data_uri |= any(duri);
#endif
  for (; p < n; ++p) scalar_step(d, p, run, t);
  return t;
}

size_t next_base64_window(std::string_view d, size_t from) {
  const size_t n = d.size();
  size_t run = 0, p = from;
#if defined(KEYWARD_AVX2)
  if (size_t start; have_avx2() && window_avx2(d, p, run, &start)) return start;
#endif
#if defined(__SSE2__)
  for (; p + 16 <= n; p += 16) {
    __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d.data() + p));
    size_t start;
    if (fold_run(static_cast<unsigned>(_mm_movemask_epi8(base64_class(c))), p, run, &start)) return start;
  }
#endif
  for (; p < n; ++p) {
    run = b64(at(d, p)) ? run + 1 : 0;
    if (run >= kMinBase64Run) return p + 1 - run;
  }
  return n;
}

}  // namespace keyward
