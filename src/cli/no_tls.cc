// keyward never opens a network connection through libgit2, yet Debian's libgit2 sets up
// its whole network stack inside git_libgit2_init().
#ifdef KEYWARD_STATIC_DEPS
// Statically linked, the linker redirects libgit2's call to this initialiser here
// (-Wl,--wrap, see CMakeLists.txt): mbedTLS would gather entropy and parse the system CA
// bundle; a pre-commit run needs none of it. libgit2 then has no TLS configuration:
// keyward never asks for it. (libgit2's ssh transport is not linked at all: no_ssh.cc.)
extern "C" int __wrap_git_mbedtls_stream_global_init(void) { return 0; }
#else
// Dynamically linked: mbedTLS (which Debian's libgit2 is built with) parses the whole
// system CA bundle inside git_libgit2_init(): measured with callgrind, 61% of the
// instructions of a warm pre-commit run. Defining the one parsing entry point in the
// executable interposes it (the dynamic linker resolves libgit2's call here first);
// libgit2 tolerates the failure and simply has no CA certificates loaded. With an
// OpenSSL-built libgit2 nothing calls this function and it is inert.
extern "C" int mbedtls_x509_crt_parse_file(void* /*chain*/, const char* /*path*/) {
  return -0x2900;  // MBEDTLS_ERR_X509_FILE_IO_ERROR
}
#endif
