#include "curl_library.h"

#include <dlfcn.h>

#include <fmt/format.h>

namespace keyward {

Result<std::unique_ptr<CurlLibrary>> CurlLibrary::load() {
  std::unique_ptr<CurlLibrary> lib(new CurlLibrary());
  // RTLD_LOCAL: nothing else in the process resolves symbols against it.
  lib->handle_ = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (!lib->handle_) {
    const char* why = ::dlerror();
    return Error{fmt::format("cannot load libcurl.so.4 ({}); install libcurl (Debian/Ubuntu: apt-get install "
                             "libcurl4)", why ? why : "not found")};
  }
  auto sym = [&](const char* name) -> void* { return ::dlsym(lib->handle_, name); };
  CurlApi& a = lib->api_;
  a.easy_init = reinterpret_cast<void* (*)()>(sym("curl_easy_init"));
  a.easy_setopt = reinterpret_cast<int (*)(void*, int, ...)>(sym("curl_easy_setopt"));
  a.easy_perform = reinterpret_cast<int (*)(void*)>(sym("curl_easy_perform"));
  a.easy_getinfo = reinterpret_cast<int (*)(void*, int, ...)>(sym("curl_easy_getinfo"));
  a.easy_cleanup = reinterpret_cast<void (*)(void*)>(sym("curl_easy_cleanup"));
  a.easy_strerror = reinterpret_cast<const char* (*)(int)>(sym("curl_easy_strerror"));
  a.slist_append = reinterpret_cast<void* (*)(void*, const char*)>(sym("curl_slist_append"));
  a.slist_free_all = reinterpret_cast<void (*)(void*)>(sym("curl_slist_free_all"));
  a.global_init = reinterpret_cast<int (*)(long)>(sym("curl_global_init"));
  a.global_cleanup = reinterpret_cast<void (*)()>(sym("curl_global_cleanup"));
  if (!a.easy_init || !a.easy_setopt || !a.easy_perform || !a.easy_getinfo || !a.easy_cleanup || !a.easy_strerror ||
      !a.slist_append || !a.slist_free_all || !a.global_init || !a.global_cleanup)
    return Error{"libcurl.so.4 lacks an entry point keyward needs (a very old libcurl?)"};
  // Once, before any thread uses it (libcurl's rule for curl_global_init).
  if (a.global_init(curl::kGlobalDefault) != curl::kOk) return Error{"libcurl failed to initialise"};
  lib->initialised_ = true;
  return lib;
}

CurlLibrary::~CurlLibrary() {
  if (initialised_) api_.global_cleanup();
  if (handle_) ::dlclose(handle_);
}

}  // namespace keyward
