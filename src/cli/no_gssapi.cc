// Linked right after Debian's static libgit2 (KEYWARD_STATIC_DEPS, see CMakeLists.txt).
// libgit2's HTTP Negotiate (Kerberos) authentication calls GSSAPI, of which Debian ships no
// static archive. keyward makes no HTTP requests through libgit2, so GSSAPI is absent: every
// call fails (GSS_S_FAILURE), which libgit2 reports as Negotiate being unavailable.
extern "C" {
constexpr unsigned kGssFailure = 13u << 16;  // GSS_S_FAILURE
void* GSS_C_NT_HOSTBASED_SERVICE = nullptr;
unsigned gss_indicate_mechs(unsigned*, void**) { return kGssFailure; }
unsigned gss_import_name(unsigned*, const void*, const void*, void**) { return kGssFailure; }
unsigned gss_init_sec_context(unsigned*, const void*, void**, const void*, const void*, unsigned, unsigned,
                              const void*, const void*, void**, void*, unsigned*, unsigned*) {
  return kGssFailure;
}
unsigned gss_delete_sec_context(unsigned*, void**, void*) { return kGssFailure; }
unsigned gss_display_status(unsigned*, unsigned, int, const void*, unsigned*, void*) { return kGssFailure; }
unsigned gss_release_buffer(unsigned*, void*) { return kGssFailure; }
unsigned gss_release_name(unsigned*, void**) { return kGssFailure; }
unsigned gss_release_oid_set(unsigned*, void**) { return kGssFailure; }
}
