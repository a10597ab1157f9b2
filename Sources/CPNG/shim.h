#ifndef ATELIER_CPNG_SHIM_H
#define ATELIER_CPNG_SHIM_H
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/* libpng reports errors with longjmp, which Swift cannot catch: the whole encoder lives here in C, with the
   setjmp inside this function, and Swift sees a plain status code. */

typedef struct {
    unsigned char *data;
    size_t length;
    size_t capacity;
} atelier_png_buffer;

static inline void atelier_png_write_bytes(png_structp png, png_bytep bytes, png_size_t length) {
    atelier_png_buffer *buffer = (atelier_png_buffer *)png_get_io_ptr(png);
    if (buffer->length + length > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 1 << 16;
        while (capacity < buffer->length + length) capacity *= 2;
        unsigned char *grown = (unsigned char *)realloc(buffer->data, capacity);
        if (grown == NULL) png_error(png, "out of memory");
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->length, bytes, length);
    buffer->length += length;
}

static inline void atelier_png_flush(png_structp png) { (void)png; }

/* Encodes Cairo ARGB32 pixels (native-endian 0xAARRGGBB words, opaque) as an 8-bit RGB PNG in memory.
   level: zlib level 0-9; filters: a PNG_FILTER_* mask (PNG_FILTER_SUB is a good fast choice);
   pixels_per_meter: written as the pHYs chunk (the DPI that page layout programs use), 0 for none.
   Returns 0 and a malloc'ed buffer in *output (free with free()) or -1. No time stamp is written, so the
   same pixels always give the same bytes. */
static inline int atelier_png_encode_argb32(const unsigned char *pixels, int width, int height, int stride,
                                            int level, int filters, unsigned int pixels_per_meter,
                                            unsigned char **output, size_t *output_length) {
    *output = NULL;
    *output_length = 0;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    if (png == NULL) return -1;
    png_infop info = png_create_info_struct(png);
    if (info == NULL) { png_destroy_write_struct(&png, NULL); return -1; }
    atelier_png_buffer buffer = { NULL, 0, 0 };
    png_bytep *rows = (png_bytep *)malloc(sizeof(png_bytep) * (size_t)(height > 0 ? height : 1));
    if (rows == NULL) { png_destroy_write_struct(&png, &info); return -1; }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(rows);
        free(buffer.data);
        return -1;
    }
    png_set_write_fn(png, &buffer, atelier_png_write_bytes, atelier_png_flush);
    png_set_compression_level(png, level);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, filters);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (pixels_per_meter > 0) png_set_pHYs(png, info, pixels_per_meter, pixels_per_meter, PNG_RESOLUTION_METER);
    png_write_info(png, info);
    /* In memory a little-endian 0xAARRGGBB word is B, G, R, A: swap to RGB and drop the fourth byte. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    png_set_bgr(png);
    png_set_filler(png, 0, PNG_FILLER_AFTER);
#else
    png_set_filler(png, 0, PNG_FILLER_BEFORE);
#endif
    for (int row = 0; row < height; row++) rows[row] = (png_bytep)(pixels + (size_t)row * (size_t)stride);
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    *output = buffer.data;
    *output_length = buffer.length;
    return 0;
}
#endif
