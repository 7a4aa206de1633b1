// Config files: the TOML grammar (toml++) and every section's validation, which must answer a
// bad key with an error naming its line, never with a crash or an exception.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_input.hpp"
#include "server/config/config.hpp"

using namespace liverelay;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)parse_config_text(fuzz::as_text({data, size}), "fuzz.toml");
  return 0;
}
