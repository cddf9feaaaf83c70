// libcurl, loaded at run time with dlopen("libcurl.so.4") and only when --verify or
// `keyward revoke` is used: a hook never links, loads or initialises a network library,
// and a machine without libcurl still scans (verification then reports `unknown`).
#pragma once
#include <memory>
#include <string>

#include "result.h"

namespace keyward {

// The few libcurl entry points keyward calls, resolved from the loaded library. The
// prototypes and option numbers are libcurl's stable ABI (curl/curl.h), declared here so
// building keyward needs no libcurl headers.
struct CurlApi {
  void* (*easy_init)();
  int (*easy_setopt)(void*, int, ...);
  int (*easy_perform)(void*);
  int (*easy_getinfo)(void*, int, ...);
  void (*easy_cleanup)(void*);
  const char* (*easy_strerror)(int);
  void* (*slist_append)(void*, const char*);
  void (*slist_free_all)(void*);
  int (*global_init)(long);
  void (*global_cleanup)();
};

class CurlLibrary {
 public:
  // Loads and initialises libcurl, or says why it cannot (once, by the caller).
  static Result<std::unique_ptr<CurlLibrary>> load();
  ~CurlLibrary();
  CurlLibrary(const CurlLibrary&) = delete;
  CurlLibrary& operator=(const CurlLibrary&) = delete;
  const CurlApi& api() const { return api_; }

 private:
  CurlLibrary() = default;
  void* handle_ = nullptr;
  CurlApi api_{};
  bool initialised_ = false;
};

// libcurl's option and info numbers used by http_client.cc (curl/curl.h, stable ABI).
namespace curl {
constexpr int kOptWriteData = 10001, kOptUrl = 10002, kOptErrorBuffer = 10010, kOptPostFields = 10015,
              kOptUserAgent = 10018, kOptHttpHeader = 10023, kOptHeaderData = 10029, kOptCustomRequest = 10036,
              kOptCaInfo = 10065, kOptProtocolsStr = 10318, kOptRedirProtocolsStr = 10319;
constexpr int kOptWriteFunction = 20011, kOptHeaderFunction = 20079;
constexpr int kOptPostFieldSize = 60, kOptFollowLocation = 52, kOptNoSignal = 99, kOptTimeoutMs = 155,
              kOptConnectTimeoutMs = 156, kOptProtocols = 181, kOptHttpGet = 80, kOptNoBody = 44;
constexpr int kInfoResponseCode = 0x200000 + 2;
constexpr long kProtoHttps = 2;
constexpr long kGlobalDefault = 3;  // CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32
constexpr int kOk = 0, kErrCouldntResolveProxy = 5, kErrCouldntResolveHost = 6, kErrCouldntConnect = 7,
              kErrWrite = 23, kErrTimedOut = 28, kErrUnknownOption = 48;
}  // namespace curl

}  // namespace keyward
