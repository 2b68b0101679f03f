// Driver for fuzz targets when libFuzzer is not available (gcc builds, the fuzz-smoke tests):
// runs every file of the corpus directories given as arguments through the target, then
// FLICKRFS_FUZZ_ITERATIONS (default 10000) deterministic mutations of them (byte flips,
// inserts, truncations, splices). A crash or sanitizer report fails the test.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::string> load_corpus(int argc, char** argv) {
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(argv[i])) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      inputs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  if (inputs.empty()) inputs.emplace_back();
  return inputs;
}

void run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

std::string mutate(std::string input, const std::vector<std::string>& corpus, std::mt19937& rng) {
  const auto pick = [&](std::size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  switch (pick(5)) {
    case 0:  // flip a byte
      if (!input.empty()) input[pick(input.size())] = static_cast<char>(rng());
      break;
    case 1:  // insert random bytes
      input.insert(pick(input.size() + 1), std::string(1 + pick(8), static_cast<char>(rng())));
      break;
    case 2:  // truncate
      input.resize(pick(input.size() + 1));
      break;
    case 3: {  // splice with another input
      const std::string& other = corpus[pick(corpus.size())];
      input = input.substr(0, pick(input.size() + 1)) + other.substr(pick(other.size() + 1));
      break;
    }
    default:  // duplicate a chunk
      if (!input.empty()) {
        const std::size_t at = pick(input.size());
        input.insert(at, input.substr(at, 1 + pick(64)));
      }
  }
  return input;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> corpus = load_corpus(argc, argv);
  for (const auto& input : corpus)
    run(input);
  const char* env = std::getenv("FLICKRFS_FUZZ_ITERATIONS");  // NOLINT(concurrency-mt-unsafe)
  const long iterations = env ? std::strtol(env, nullptr, 10) : 10000;
  std::mt19937 rng(12345);
  std::string current = corpus.front();
  for (long i = 0; i < iterations; ++i) {
    current = mutate(i % 64 == 0 ? corpus[i / 64 % corpus.size()] : current, corpus, rng);
    if (current.size() > (1 << 16)) current.resize(1 << 16);
    run(current);
  }
  std::printf("fuzz smoke: %zu corpus inputs, %ld mutations, no crash\n", corpus.size(),
              iterations);
  return 0;
}
