// libjpeg-turbo's TurboJPEG API, for JPEG image folders.
#ifndef STRATA_CTURBOJPEG_SHIM_H
#define STRATA_CTURBOJPEG_SHIM_H
#include <turbojpeg.h>
#endif
