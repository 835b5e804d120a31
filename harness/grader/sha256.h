// SHA-256 (FIPS 180-4), for the resume hash of `lab grade`: a submission is graded again
// exactly when its bytes, the puzzle's spec or the lab changed.
//
//   Sha256 h;  h.Update("abc");  h.HexDigest()  // "ba7816bf8f01cfea..."
//
// Not thread-safe per object; independent objects may be used concurrently.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace lab::grader {

class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  // The digest of everything passed to Update, as 64 lowercase hex characters. Call once.
  std::string HexDigest();

 private:
  void Block(const unsigned char* p);
  std::array<std::uint32_t, 8> h_;
  unsigned char buf_[64];
  std::size_t buf_len_ = 0;
  std::uint64_t total_ = 0;
};

}  // namespace lab::grader
