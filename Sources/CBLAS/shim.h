// OpenBLAS's CBLAS interface (the pthread build Debian selects); used for the sgemm reference
// figure in benchmarks.
#ifndef STRATA_CBLAS_SHIM_H
#define STRATA_CBLAS_SHIM_H
#include <cblas.h>
#endif
