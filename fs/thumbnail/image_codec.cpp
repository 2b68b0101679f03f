// See image_codec.hpp.
#include "fs/thumbnail/image_codec.hpp"

// clang-format off
#include <cstdio>  // jpeglib.h needs FILE and size_t declared first
#include <jpeglib.h>
// clang-format on
#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstring>

namespace flickrfs::fs::thumbnail {

namespace {

// libjpeg reports fatal errors through error_exit; ours jumps back into decode_jpeg. Nothing
// with a destructor lives between setjmp and longjmp in jpeg_decode_raw (C data only).
struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void jpeg_error_exit(j_common_ptr cinfo) {
  auto* error = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, error->message);
  std::longjmp(error->jump, 1);
}

void jpeg_silent(j_common_ptr /*cinfo*/, int /*level*/) {}

// Decodes into `out` (resized by the caller-provided callback-free path below). Returns
// false with `error->message` set on failure.
bool jpeg_decode_raw(const unsigned char* data, unsigned long size, int min_longer_side, Image* out,
                     JpegError* error) {
  jpeg_decompress_struct cinfo;
  cinfo.err = jpeg_std_error(&error->mgr);
  error->mgr.error_exit = jpeg_error_exit;
  error->mgr.emit_message = jpeg_silent;
  if (setjmp(error->jump) != 0) {
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, size);
  (void)jpeg_read_header(&cinfo, TRUE);
  cinfo.out_color_space = JCS_RGB;
  // The largest 1/N reduction that keeps the longer side at least min_longer_side.
  const unsigned longer = std::max(cinfo.image_width, cinfo.image_height);
  unsigned denom = 1;
  while (min_longer_side > 0 && denom < 8 &&
         longer / (denom * 2) >= static_cast<unsigned>(min_longer_side)) {
    denom *= 2;
  }
  cinfo.scale_num = 1;
  cinfo.scale_denom = denom;
  (void)jpeg_start_decompress(&cinfo);
  out->width = static_cast<int>(cinfo.output_width);
  out->height = static_cast<int>(cinfo.output_height);
  const std::size_t row = static_cast<std::size_t>(out->width) * 3;
  out->rgb.resize(row * static_cast<std::size_t>(out->height));
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW line = out->rgb.data() + row * cinfo.output_scanline;
    (void)jpeg_read_scanlines(&cinfo, &line, 1);
  }
  (void)jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return true;
}

struct PngWriteState {
  std::string* out;
};

void png_write_to_string(png_structp png, png_bytep data, png_size_t length) {
  auto* state = static_cast<PngWriteState*>(png_get_io_ptr(png));
  state->out->append(reinterpret_cast<const char*>(data), length);
}

void png_flush_nothing(png_structp /*png*/) {}

struct PngReadState {
  const unsigned char* data;
  std::size_t size;
  std::size_t offset;
};

void png_read_from_memory(png_structp png, png_bytep out, png_size_t length) {
  auto* state = static_cast<PngReadState*>(png_get_io_ptr(png));
  if (state->size - state->offset < length) {
    png_error(png, "truncated PNG");
  }
  std::memcpy(out, state->data + state->offset, length);
  state->offset += length;
}

void png_warning_silent(png_structp /*png*/, png_const_charp /*message*/) {}

// C-only encode body (setjmp-safe): rows and text prepared by the caller.
bool png_encode_raw(const Image* image, png_text* texts, int text_count, PngWriteState* sink,
                    char* message, std::size_t message_size) {
  png_structp png =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, png_warning_silent);
  if (png == nullptr) {
    std::snprintf(message, message_size, "out of memory");
    return false;
  }
  png_infop info = png_create_info_struct(png);
  if (info == nullptr || setjmp(png_jmpbuf(png)) != 0) {
    png_destroy_write_struct(&png, &info);
    std::snprintf(message, message_size, "PNG encoding failed");
    return false;
  }
  png_set_write_fn(png, sink, png_write_to_string, png_flush_nothing);
  png_set_IHDR(png, info, static_cast<png_uint_32>(image->width),
               static_cast<png_uint_32>(image->height), 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_text(png, info, texts, text_count);
  png_write_info(png, info);
  const std::size_t row = static_cast<std::size_t>(image->width) * 3;
  for (int y = 0; y < image->height; ++y) {
    png_write_row(png,
                  const_cast<png_bytep>(image->rgb.data() + row * static_cast<std::size_t>(y)));
  }
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return true;
}

bool png_read_raw(PngReadState* source, PngInfo* out, char* message, std::size_t message_size) {
  png_structp png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, png_warning_silent);
  if (png == nullptr) {
    std::snprintf(message, message_size, "out of memory");
    return false;
  }
  png_infop info = png_create_info_struct(png);
  if (info == nullptr || setjmp(png_jmpbuf(png)) != 0) {
    png_destroy_read_struct(&png, &info, nullptr);
    std::snprintf(message, message_size, "not a readable PNG");
    return false;
  }
  png_set_read_fn(png, source, png_read_from_memory);
  png_read_info(png, info);
  out->width = static_cast<int>(png_get_image_width(png, info));
  out->height = static_cast<int>(png_get_image_height(png, info));
  png_textp texts = nullptr;
  int count = 0;
  (void)png_get_text(png, info, &texts, &count);
  for (int i = 0; i < count; ++i) {
    out->text[texts[i].key] = std::string(texts[i].text, texts[i].text_length);
  }
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

}  // namespace

Result<Image> decode_jpeg(std::string_view bytes, int min_longer_side) {
  if (bytes.size() < 4) return make_error(Errc::bad_response, "not a JPEG (too short)");
  Image image;
  JpegError error{};
  if (!jpeg_decode_raw(reinterpret_cast<const unsigned char*>(bytes.data()),
                       static_cast<unsigned long>(bytes.size()), min_longer_side, &image, &error)) {
    return make_error(Errc::bad_response, std::string("cannot decode JPEG: ") + error.message);
  }
  if (image.width <= 0 || image.height <= 0) {
    return make_error(Errc::bad_response, "cannot decode JPEG: empty image");
  }
  return image;
}

Image fit_within(const Image& image, int max_side) {
  const int longer = std::max(image.width, image.height);
  if (longer <= max_side || max_side <= 0) return image;
  Image out;
  out.width =
      std::max(1, static_cast<int>(static_cast<std::int64_t>(image.width) * max_side / longer));
  out.height =
      std::max(1, static_cast<int>(static_cast<std::int64_t>(image.height) * max_side / longer));
  out.rgb.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height) * 3);
  // Box filter: output pixel (x, y) averages source columns [x*W/w, (x+1)*W/w) and rows
  // likewise; every source pixel lands in exactly one output pixel.
  for (int y = 0; y < out.height; ++y) {
    const int y0 = static_cast<int>(static_cast<std::int64_t>(y) * image.height / out.height);
    const int y1 = std::max(
        y0 + 1, static_cast<int>(static_cast<std::int64_t>(y + 1) * image.height / out.height));
    for (int x = 0; x < out.width; ++x) {
      const int x0 = static_cast<int>(static_cast<std::int64_t>(x) * image.width / out.width);
      const int x1 = std::max(
          x0 + 1, static_cast<int>(static_cast<std::int64_t>(x + 1) * image.width / out.width));
      std::uint64_t sum[3] = {0, 0, 0};
      for (int sy = y0; sy < y1; ++sy) {
        const std::uint8_t* p = image.rgb.data() + (static_cast<std::size_t>(sy) *
                                                        static_cast<std::size_t>(image.width) +
                                                    static_cast<std::size_t>(x0)) *
                                                       3;
        for (int sx = x0; sx < x1; ++sx, p += 3) {
          sum[0] += p[0];
          sum[1] += p[1];
          sum[2] += p[2];
        }
      }
      const std::uint64_t n =
          static_cast<std::uint64_t>(y1 - y0) * static_cast<std::uint64_t>(x1 - x0);
      std::uint8_t* o =
          out.rgb.data() + (static_cast<std::size_t>(y) * static_cast<std::size_t>(out.width) +
                            static_cast<std::size_t>(x)) *
                               3;
      for (int c = 0; c < 3; ++c)
        o[c] = static_cast<std::uint8_t>((sum[c] + n / 2) / n);
    }
  }
  return out;
}

Result<std::string> encode_thumbnail_png(const Image& image, const ThumbMeta& meta) {
  if (image.width <= 0 || image.height <= 0 ||
      image.rgb.size() !=
          static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 3) {
    return make_error(Errc::internal, "thumbnail image has no pixels");
  }
  // png_text wants mutable char*; these strings outlive the encode call.
  std::vector<std::pair<std::string, std::string>> fields = {
      {"Thumb::URI", meta.uri},
      {"Thumb::MTime", std::to_string(meta.mtime)},
  };
  if (meta.size) fields.emplace_back("Thumb::Size", std::to_string(*meta.size));
  if (!meta.mimetype.empty()) fields.emplace_back("Thumb::Mimetype", meta.mimetype);
  fields.emplace_back("Software", "flickrfs");
  std::vector<png_text> texts(fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    texts[i].compression = PNG_TEXT_COMPRESSION_NONE;
    texts[i].key = fields[i].first.data();
    texts[i].text = fields[i].second.data();
    texts[i].text_length = fields[i].second.size();
  }
  std::string out;
  PngWriteState sink{&out};
  char message[128] = {};
  if (!png_encode_raw(&image, texts.data(), static_cast<int>(texts.size()), &sink, message,
                      sizeof message)) {
    return make_error(Errc::internal, std::string("cannot encode thumbnail: ") + message);
  }
  return out;
}

Result<PngInfo> read_png_info(std::string_view bytes) {
  if (bytes.size() < 8 || png_sig_cmp(reinterpret_cast<png_const_bytep>(bytes.data()), 0, 8) != 0) {
    return make_error(Errc::bad_response, "not a PNG");
  }
  PngReadState source{reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), 0};
  PngInfo info;
  char message[128] = {};
  if (!png_read_raw(&source, &info, message, sizeof message)) {
    return make_error(Errc::bad_response, message);
  }
  return info;
}

Result<std::string> make_thumbnail(std::string_view jpeg, Flavor flavor, const ThumbMeta& meta) {
  const int side = flavor_pixels(flavor);
  FLICKRFS_TRY(const Image decoded, decode_jpeg(jpeg, side));
  return encode_thumbnail_png(fit_within(decoded, side), meta);
}

}  // namespace flickrfs::fs::thumbnail
