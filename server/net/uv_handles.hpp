// libuv handles we allocate with new are freed by uv_close()'s callback, once libuv is done with
// them (the next loop turn), never before.
#pragma once

#include <uv.h>

namespace liverelay {

template <typename Handle>
void delete_uv_handle(uv_handle_t* handle) {
  delete reinterpret_cast<Handle*>(handle);
}

template <typename Handle>
void close_and_delete(Handle* handle) {
  uv_close(reinterpret_cast<uv_handle_t*>(handle), delete_uv_handle<Handle>);
}

}  // namespace liverelay
