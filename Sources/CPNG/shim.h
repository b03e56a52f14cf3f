// libpng's simplified API (png_image), for PNG image folders.
#ifndef STRATA_CPNG_SHIM_H
#define STRATA_CPNG_SHIM_H
#include <png.h>
#endif
