#pragma once
// The one error type and result type of flickrfs.
//
// Every fallible function in api/, cache/ and fs/ returns Result<T>. Expected failures
// (network, not found, rate limit, cache miss) are values, never exceptions. The class is
// [[nodiscard]], so dropping a Result is a compile error under -Werror; that is why this is a
// small class of our own instead of tl::expected (which is not nodiscard and is not in the
// dependency list). The shape follows std::expected so a move to C++23 is mechanical.
//
// Conversion of an Error to something outside the code base happens in exactly two places:
// fs/errno_map.cpp (errno for FUSE replies) and fs/cli/exit_code.cpp (process exit codes).
//
// Thread contract: plain values; thread-compatible.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace flickrfs {

// What went wrong, in the terms a caller can act on. Keep this list short: a new kind must
// also get a row in fs/errno_map.cpp and fs/cli/exit_code.cpp (their tests enumerate it).
enum class Errc : std::uint8_t {
  not_found,         // photo, album, user or file does not exist (Flickr code 1, HTTP 404)
  permission,        // exists but may not be seen by this caller (Flickr code 2, 99)
  auth,              // credentials rejected (Flickr 96-98, OAuth 401)
  config,            // bad or missing configuration, invalid API key (Flickr 100)
  invalid_argument,  // the caller asked for something malformed
  rate_limited,      // HTTP 429 after the retry budget
  unavailable,       // Flickr says "try later" (5xx, 105, 201, 0) after the retry budget
  network,           // connection failed, reset, timed out
  offline,           // --offline or network down and the item is not cached
  bad_response,      // invalid JSON, truncated body, unexpected shape
  corrupt,           // local data failed a check (blob size or checksum, LMDB record)
  no_space,          // ENOSPC / EDQUOT / MDB_MAP_FULL that could not be grown
  io,                // other local I/O error (sys_errno says which)
  interrupted,       // SIGINT/SIGTERM or cancellation
  internal,          // a bug: an invariant did not hold
};

inline constexpr Errc kAllErrc[] = {
    Errc::not_found,    Errc::permission,  Errc::auth,    Errc::config,      Errc::invalid_argument,
    Errc::rate_limited, Errc::unavailable, Errc::network, Errc::offline,     Errc::bad_response,
    Errc::corrupt,      Errc::no_space,    Errc::io,      Errc::interrupted, Errc::internal,
};

[[nodiscard]] std::string_view to_string(Errc code) noexcept;

struct Error {
  Errc code = Errc::internal;
  std::string message;  // one line, for humans; never contains a secret
  int sys_errno = 0;    // set when the cause was a system call
  int flickr_code = 0;  // set when Flickr answered stat=fail (0 is also a real code; see
                        // has_flickr_code)
  bool has_flickr_code = false;
  std::int64_t retry_after_ms = -1;  // the server's Retry-After (429/503), -1 = none sent

  // "not_found: Photo "1" not found (invalid ID)"
  [[nodiscard]] std::string describe() const;
};

[[nodiscard]] Error make_error(Errc code, std::string message);
// True when the error says "try again later" (network, offline, unavailable, rate limited,
// interrupted) rather than "this item is broken": a sync step keeps what it has and retries.
[[nodiscard]] bool is_temporary(const Error& error) noexcept;
// From a failed system call; picks the kind from the errno value (ENOSPC -> no_space ...).
[[nodiscard]] Error error_from_errno(int err, std::string_view what);

template <class T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::remove_cv_t<T>, Error>, "Result<Error> is ambiguous");

 public:
  using value_type = T;

  Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}      // NOLINT implicit
  Result(Error error) : m_state(std::in_place_index<1>, std::move(error)) {}  // NOLINT
  template <class... Args>
  explicit Result(std::in_place_t, Args&&... args)
      : m_state(std::in_place_index<0>, std::forward<Args>(args)...) {}

  [[nodiscard]] bool ok() const noexcept { return m_state.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  [[nodiscard]] T& value() & { return std::get<0>(m_state); }
  [[nodiscard]] const T& value() const& { return std::get<0>(m_state); }
  [[nodiscard]] T&& value() && { return std::get<0>(std::move(m_state)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <class U>
  [[nodiscard]] T value_or(U&& fallback) const& {
    return ok() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

  [[nodiscard]] const Error& error() const& { return std::get<1>(m_state); }
  [[nodiscard]] Error&& error() && { return std::get<1>(std::move(m_state)); }

 private:
  std::variant<T, Error> m_state;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)) {}  // NOLINT implicit

  [[nodiscard]] bool ok() const noexcept { return !m_error.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] const Error& error() const& { return *m_error; }
  [[nodiscard]] Error&& error() && { return std::move(*m_error); }

 private:
  std::optional<Error> m_error;
};

// `return success();` in a function returning Result<void>.
[[nodiscard]] inline Result<void> success() {
  return {};
}

}  // namespace flickrfs

// Propagates an error: FLICKRFS_TRY(auto page, client.photos_page(1));
#define FLICKRFS_CONCAT_INNER(a, b) a##b
#define FLICKRFS_CONCAT(a, b) FLICKRFS_CONCAT_INNER(a, b)
#define FLICKRFS_TRY_IMPL(tmp, decl, expr)      \
  auto tmp = (expr);                            \
  if (!tmp.ok()) return std::move(tmp).error(); \
  decl = std::move(tmp).value()
#define FLICKRFS_TRY(decl, expr) \
  FLICKRFS_TRY_IMPL(FLICKRFS_CONCAT(flickrfs_try_, __LINE__), decl, expr)
// For Result<void>: FLICKRFS_CHECK(store.commit());
#define FLICKRFS_CHECK(expr)                                                          \
  do {                                                                                \
    auto flickrfs_check_result = (expr);                                              \
    if (!flickrfs_check_result.ok()) return std::move(flickrfs_check_result).error(); \
  } while (0)
