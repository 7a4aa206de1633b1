// A cap on log lines that a peer can trigger at will (a publisher changing its configuration on
// every message): a few lines say what happened, one more says the rest goes unlogged, and the
// disk does not fill up.
#pragma once

#include <cstdint>

namespace liverelay {

class LogBudget {
 public:
  enum class Verdict { write, last_word, silent };

  explicit constexpr LogBudget(uint32_t lines) : left_(lines) {}

  // `write` while lines are left, then `last_word` once (say that logging stops), then `silent`.
  Verdict spend() {
    if (left_ > 0) {
      --left_;
      return Verdict::write;
    }
    if (!told_) {
      told_ = true;
      return Verdict::last_word;
    }
    return Verdict::silent;
  }

 private:
  uint32_t left_;
  bool told_ = false;
};

}  // namespace liverelay
