// fmt's compiled part, built once. Debian ships fmt as a shared library only; the static
// build (KEYWARD_STATIC_DEPS) would otherwise define FMT_HEADER_ONLY, which makes every
// one of the ~40 translation units that include <fmt/format.h> compile fmt's whole
// implementation again (about 5 s of compiler time each). Here, and only here, that
// implementation is compiled; the other units see fmt's declarations, as with libfmt.so.
// The shared build links libfmt.so and leaves this file empty.
#ifdef KEYWARD_FMT_ONCE
#include <fmt/format.h>
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {
// format.h declares these `extern template` outside header-only mode, so exactly one
// unit must instantiate them.
template auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
template auto thousands_sep_impl<wchar_t>(locale_ref) -> thousands_sep_result<wchar_t>;
template auto decimal_point_impl(locale_ref) -> char;
template auto decimal_point_impl(locale_ref) -> wchar_t;
}  // namespace detail
FMT_END_NAMESPACE
#endif
