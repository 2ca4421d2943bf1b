// Result types shared by storage/ and server/.
//
// Status holds a POSIX errno (0 = success) and an optional message meant for
// logs only. Result<T> pairs a Status with a value that is meaningful only on
// success. Both are [[nodiscard]]: every one is checked. storage/ owns the
// POSIX rules, so the errno it returns is the one the application sees.
#pragma once

#include <cassert>
#include <string>
#include <utility>

namespace rpuffs::storage {

class [[nodiscard]] Status {
 public:
  Status() = default;
  explicit Status(int err, std::string message = {}) : err_(err), message_(std::move(message)) {}
  static Status Ok() { return Status(); }

  bool ok() const { return err_ == 0; }
  int err() const { return err_; }
  const std::string& message() const { return message_; }

 private:
  int err_ = 0;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return status_.ok(); }
  int err() const { return status_.err(); }
  const Status& status() const { return status_; }
  // REQUIRES: ok()
  T& value() & { assert(ok()); return value_; }
  const T& value() const& { assert(ok()); return value_; }
  T&& value() && { assert(ok()); return std::move(value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  T value_{};
};

}  // namespace rpuffs::storage
