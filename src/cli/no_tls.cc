// keyward never opens a network connection, yet Debian's libgit2 (built with mbedTLS)
// parses the whole system CA bundle inside git_libgit2_init(): measured with callgrind,
// 61% of the instructions of a warm pre-commit run. Defining the one parsing entry point
// in the executable interposes it (the dynamic linker resolves libgit2's call here first);
// libgit2 tolerates the failure and simply has no CA certificates loaded. With an
// OpenSSL-built libgit2 nothing calls this function and it is inert.
extern "C" int mbedtls_x509_crt_parse_file(void* /*chain*/, const char* /*path*/) {
  return -0x2900;  // MBEDTLS_ERR_X509_FILE_IO_ERROR
}
