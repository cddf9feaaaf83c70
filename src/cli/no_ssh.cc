// Linked right after Debian's static libgit2 (KEYWARD_STATIC_DEPS, see CMakeLists.txt), with
// -Wl,--wrap for the two symbols through which libgit2 reaches its ssh transport: its
// transport table and its start-up. Without them libgit2's ssh transport is not linked, nor
// libssh2, nor the OpenSSL libcrypto libssh2 is built on: 3 MB of code and 350 KB of
// pointer tables the dynamic linker would relocate (and the kernel copy) on every start.
// keyward reads repositories; it never fetches or pushes, over ssh or otherwise.
#include <git2/errors.h>

extern "C" {
int __wrap_git_transport_ssh_global_init(void) { return 0; }
// Asked for an ssh transport: libgit2 reports this error and connects to nothing.
int __wrap_git_smart_subtransport_ssh(void** out, void* /*owner*/, void* /*param*/) {
  if (out) *out = nullptr;
  git_error_set_str(GIT_ERROR_SSH, "keyward has no ssh transport");
  return -1;
}
}
