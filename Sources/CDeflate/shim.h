#ifndef ATELIER_CDEFLATE_SHIM_H
#define ATELIER_CDEFLATE_SHIM_H
/* libdeflate (Debian: libdeflate-dev): whole-buffer DEFLATE/gzip, 2-3x faster than zlib's inflate. */
#include <libdeflate.h>
#endif
