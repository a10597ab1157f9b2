#ifndef ATELIER_CZLIB_SHIM_H
#define ATELIER_CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2 / deflateInit2 are macros Swift cannot import. */
static inline int atelier_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
static inline int atelier_deflateInit2(z_streamp strm, int level, int method, int windowBits,
                                       int memLevel, int strategy) {
    return deflateInit2(strm, level, method, windowBits, memLevel, strategy);
}
#endif
