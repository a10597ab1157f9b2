#ifndef ATELIER_CPNG_SHIM_H
#define ATELIER_CPNG_SHIM_H
#include <png.h>
#endif
