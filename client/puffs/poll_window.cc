#include "client/puffs/poll_window.h"

#include <algorithm>

namespace rpuffs::puffs {

void PollWindow::SetMax(Duration max) {
  max_ = std::max(max, Duration::zero());
  current_ = max_;
}

void PollWindow::OnSlept(Duration slept) {
  if (max_ <= Duration::zero()) return;
  if (slept <= max_) {
    current_ = std::min(max_, std::max(current_ * 2, kGrowFrom));
  } else {
    current_ /= 2;
    if (current_ < kGrowFrom) current_ = Duration::zero();
  }
}

}  // namespace rpuffs::puffs
