// Releasing mapped bytes: unmap, then close the descriptor.
#include "server/net/mapped_bytes.hpp"

#include <sys/mman.h>
#include <unistd.h>

namespace liverelay {

MappedBytes::~MappedBytes() {
  munmap(const_cast<uint8_t*>(mapped_), size_);
  ::close(fd_);
}

}  // namespace liverelay
