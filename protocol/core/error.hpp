// Expected failures as values: an error code plus a message that gains context at each level.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace liverelay {

enum class Errc {
  truncated,    // the input ended inside a structure that declared more bytes
  malformed,    // the bytes do not follow the format
  over_limit,   // a declared size or count is over a bound we keep
  unsupported,  // well-formed, but a variant we do not handle
  refused,      // a peer asked for something policy does not allow
  closed,       // the peer or the connection is gone
  io,           // an operating system call failed
};

std::string_view to_string(Errc code);

struct Error {
  Errc code;
  std::string message;

  // "chunk stream 4: message length 33554432 over limit" -> "publish cam1: chunk stream 4: ..."
  [[nodiscard]] Error context(std::string_view prefix) const& {
    return Error{code, std::string(prefix) + ": " + message};
  }
  [[nodiscard]] Error context(std::string_view prefix) && {
    message.insert(0, std::string(prefix) + ": ");
    return std::move(*this);
  }
};

template <class T>
using Result = tl::expected<T, Error>;

[[nodiscard]] inline tl::unexpected<Error> fail(Errc code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace liverelay
