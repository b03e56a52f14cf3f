// libpng's simplified API (png_image), for PNG image folders.
#ifndef STRATA_CPNG_SHIM_H
#define STRATA_CPNG_SHIM_H
#include <png.h>

// png_image.message is a char[64], which Swift imports as a tuple; hand it over as a C string.
static inline const char *strata_png_image_message(const png_image *image) {
  return image->message;
}
#endif
