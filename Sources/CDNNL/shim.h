// oneDNN 2.6 C API. Debian ships no pkg-config file for it, so the module links `dnnl` directly.
// DNNL_MEMORY_ALLOCATE and DNNL_MEMORY_NONE are pointer-cast macros Swift cannot import.
#ifndef STRATA_CDNNL_SHIM_H
#define STRATA_CDNNL_SHIM_H

#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_debug.h>

static inline void *strata_DNNL_MEMORY_ALLOCATE(void) { return DNNL_MEMORY_ALLOCATE; }
static inline void *strata_DNNL_MEMORY_NONE(void) { return DNNL_MEMORY_NONE; }

#endif
