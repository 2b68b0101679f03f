// Image byte generators (see images.hpp).
#include "images.hpp"

#include <zlib.h>

#include <algorithm>
#include <vector>

#include "util.hpp"

namespace flickrfs::emulator {

namespace {

void put16be(std::string& out, unsigned v) {
  out.push_back(static_cast<char>((v >> 8) & 0xff));
  out.push_back(static_cast<char>(v & 0xff));
}
void put32be(std::string& out, std::uint32_t v) {
  put16be(out, v >> 16);
  put16be(out, v & 0xffff);
}
void put16le(std::string& out, unsigned v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>((v >> 8) & 0xff));
}
void put_bytes(std::string& out, std::initializer_list<int> bytes) {
  for (int b : bytes)
    out.push_back(static_cast<char>(b));
}
void put_random(std::string& out, ByteStream& stream, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i)
    out.push_back(static_cast<char>(stream.next()));
}

std::string jpeg_scan(int width, int height) {
  const std::uint64_t blocks = static_cast<std::uint64_t>((width + 7) / 8) * ((height + 7) / 8);
  const std::uint64_t bits = blocks * 2;  // DC code "0" + AC EOB code "0" per block
  std::string scan(static_cast<std::size_t>((bits + 7) / 8), '\0');
  if (bits % 8 != 0) scan.back() = static_cast<char>((1u << (8 - bits % 8)) - 1);  // 1-padding
  return scan;
}

std::string render_jpeg(const ImageRequest& r) {
  std::string head;
  put_bytes(head,
            {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0});
  put_bytes(head, {0xff, 0xdb, 0x00, 0x43, 0x00});
  head.append(64, '\x01');
  put_bytes(head, {0xff, 0xc0, 0x00, 0x0b, 0x08});
  put16be(head, static_cast<unsigned>(r.height));
  put16be(head, static_cast<unsigned>(r.width));
  put_bytes(head, {0x01, 0x01, 0x11, 0x00});
  // One-symbol Huffman tables: DC category 0 and AC EOB, each the 1-bit code "0".
  for (int table_class : {0x00, 0x10}) {
    put_bytes(head, {0xff, 0xc4, 0x00, 0x14, table_class, 1});
    head.append(15, '\0');
    head.push_back('\0');
  }
  std::string tail;
  put_bytes(tail, {0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00});
  tail += jpeg_scan(r.width, r.height);
  put_bytes(tail, {0xff, 0xd9});
  ByteStream stream(r.seed);
  auto missing = static_cast<std::int64_t>(r.target_bytes) -
                 static_cast<std::int64_t>(head.size() + tail.size());
  while (missing >= 4) {  // COM segments carry the padding
    const auto chunk = static_cast<std::size_t>(std::min<std::int64_t>(missing - 4, 65533));
    put_bytes(head, {0xff, 0xfe});
    put16be(head, static_cast<unsigned>(chunk + 2));
    put_random(head, stream, chunk);
    missing -= static_cast<std::int64_t>(chunk) + 4;
  }
  return head + tail;
}

void png_chunk(std::string& out, const char* type, const std::string& data) {
  put32be(out, static_cast<std::uint32_t>(data.size()));
  const std::string typed = std::string(type, 4) + data;
  out += typed;
  put32be(out, static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(typed.data()),
                                                static_cast<uInt>(typed.size()))));
}

std::string png_idat(int width, int height) {
  z_stream z{};
  deflateInit(&z, Z_BEST_SPEED);
  std::vector<unsigned char> row(static_cast<std::size_t>(width) + 1, 0);  // filter 0 + grey 0
  std::string out;
  std::vector<unsigned char> buf(65536);
  for (int y = 0; y < height; ++y) {
    z.next_in = row.data();
    z.avail_in = static_cast<uInt>(row.size());
    const int flush = y + 1 == height ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = buf.data();
      z.avail_out = static_cast<uInt>(buf.size());
      deflate(&z, flush);
      out.append(reinterpret_cast<const char*>(buf.data()), buf.size() - z.avail_out);
    } while (z.avail_out == 0 || (flush == Z_FINISH && z.avail_in > 0));
  }
  deflateEnd(&z);
  return out;
}

std::string render_png(const ImageRequest& r) {
  std::string out = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  put32be(ihdr, static_cast<std::uint32_t>(r.width));
  put32be(ihdr, static_cast<std::uint32_t>(r.height));
  put_bytes(ihdr, {8, 0, 0, 0, 0});
  png_chunk(out, "IHDR", ihdr);
  std::string idat_chunk;
  png_chunk(idat_chunk, "IDAT", png_idat(r.width, r.height));
  const std::int64_t fixed = static_cast<std::int64_t>(out.size() + idat_chunk.size()) + 12;
  const std::int64_t missing = r.target_bytes - fixed - 12;  // a padding chunk costs 12 bytes
  if (missing > 0) {
    ByteStream stream(r.seed);
    std::string pad;
    put_random(pad, stream, static_cast<std::size_t>(missing));
    png_chunk(out, "flPd", pad);  // ancillary, private, safe-to-copy: decoders skip it
  }
  out += idat_chunk;
  png_chunk(out, "IEND", "");
  return out;
}

// Packs LZW codes LSB-first as GIF wants.
class GifBits {
 public:
  void put(unsigned code, int width) {
    m_acc |= static_cast<std::uint64_t>(code) << m_count;
    m_count += width;
    while (m_count >= 8) {
      m_bytes.push_back(static_cast<char>(m_acc & 0xff));
      m_acc >>= 8;
      m_count -= 8;
    }
  }
  std::string finish() {
    if (m_count > 0) m_bytes.push_back(static_cast<char>(m_acc & 0xff));
    return m_bytes;
  }

 private:
  std::uint64_t m_acc = 0;
  int m_count = 0;
  std::string m_bytes;
};

std::string gif_lzw(int width, int height) {
  // Min code size 2: clear 4, end 5. "CLEAR, 0, 6" is three pixels in 3-bit codes (6 is the
  // KwKwK case "00"), and the table never grows past 7, so the width stays 3.
  GifBits bits;
  std::uint64_t left = static_cast<std::uint64_t>(width) * height;
  while (left > 0) {
    bits.put(4, 3);
    bits.put(0, 3);
    if (left >= 3) {
      bits.put(6, 3);
      left -= 3;
    } else {
      if (left == 2) bits.put(0, 3);
      left = 0;
    }
  }
  bits.put(5, 3);
  return bits.finish();
}

void gif_sub_blocks(std::string& out, const std::string& data) {
  for (std::size_t at = 0; at < data.size(); at += 255) {
    const std::size_t n = std::min<std::size_t>(255, data.size() - at);
    out.push_back(static_cast<char>(n));
    out.append(data, at, n);
  }
  out.push_back('\0');
}

std::string render_gif(const ImageRequest& r) {
  std::string out = "GIF89a";
  put16le(out, static_cast<unsigned>(r.width));
  put16le(out, static_cast<unsigned>(r.height));
  put_bytes(out, {0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x80, 0x80});
  std::string image;
  put_bytes(image, {0x2c, 0, 0, 0, 0});
  put16le(image, static_cast<unsigned>(r.width));
  put16le(image, static_cast<unsigned>(r.height));
  put_bytes(image, {0x00, 0x02});
  gif_sub_blocks(image, gif_lzw(r.width, r.height));
  const std::int64_t fixed = static_cast<std::int64_t>(out.size() + image.size()) + 1;
  const std::int64_t missing = r.target_bytes - fixed - 3;
  if (missing > 0) {  // comment extension; 255 payload bytes cost 256
    ByteStream stream(r.seed);
    std::string pad;
    put_random(pad, stream, static_cast<std::size_t>(missing - missing / 256));
    put_bytes(out, {0x21, 0xfe});
    gif_sub_blocks(out, pad);
  }
  out += image;
  out.push_back('\x3b');
  return out;
}

std::string render_mp4(const ImageRequest& r) {
  std::string out;
  put32be(out, 32);
  out += "ftypisom";
  put32be(out, 0x200);
  out += "isomiso2avc1mp41";
  const auto payload = static_cast<std::size_t>(std::max(1024, r.target_bytes));
  put32be(out, static_cast<std::uint32_t>(payload + 8));
  out += "mdat";
  ByteStream stream(r.seed);
  put_random(out, stream, payload);
  return out;
}

}  // namespace

std::string render_image(const ImageRequest& request) {
  if (request.format == "png") return render_png(request);
  if (request.format == "gif") return render_gif(request);
  if (request.format == "mp4") return render_mp4(request);
  return render_jpeg(request);
}

std::string content_type_for_format(const std::string& format) {
  if (format == "png") return "image/png";
  if (format == "gif") return "image/gif";
  if (format == "mp4") return "video/mp4";
  return "image/jpeg";
}

}  // namespace flickrfs::emulator
