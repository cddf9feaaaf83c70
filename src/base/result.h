// Errors that a user can cause travel as values: a Result is either a T or a message
// that names the thing that failed and, where there is one, the fix.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace keyward {

// What a caller may do about an error, where that differs: most are just Failed (report
// it), some mean "this reader does not handle the input; ask another" (Unsupported).
enum class ErrorCode {
  Failed,
  Unsupported,
};

struct Error {
  std::string message;
  ErrorCode code = ErrorCode::Failed;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error e) : v_(std::move(e)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const std::string& error() const { return std::get<1>(v_).message; }
  ErrorCode error_code() const { return std::get<1>(v_).code; }

 private:
  std::variant<T, Error> v_;
};

// For operations that return nothing on success: empty, or the error. It converts to true
// when there is an error (`if (auto st = f()) return st;`), like the optional it replaces.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(std::nullopt_t) {}
  Status(Error e) : e_(std::move(e)) {}
  explicit operator bool() const { return e_.has_value(); }
  bool has_value() const { return e_.has_value(); }
  const Error& operator*() const { return *e_; }
  Error& operator*() { return *e_; }
  const Error* operator->() const { return &*e_; }
  Error* operator->() { return &*e_; }

 private:
  std::optional<Error> e_;
};

}  // namespace keyward
