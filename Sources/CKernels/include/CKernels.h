// Strata's own numerical kernels in C, compiled for several instruction sets and chosen at run
// time: Swift code is compiled for baseline x86-64 (SSE2, no FMA), which left the Float64 Gram
// matrices of CKA at a few GFLOP/s on machines with AVX2 or AVX-512.
#ifndef STRATA_CKERNELS_H
#define STRATA_CKERNELS_H

#include <stddef.h>

/// The centered linear Gram matrix in Float64: G = Xc·Xcᵀ, Xc = X minus each column's mean over
/// the n rows. Row i of X is `d` Float32 values at `x + i * row_stride`. `g` is n×n, row-major,
/// and must be zero on entry.
///
/// The call fills the rows of every fourth-row tile t with t ≡ worker (mod workers), upper
/// triangle and diagonal tiles only; `strata_gram_mirror` completes G once every worker is done.
/// Each entry sums over the columns in the same order whatever `workers` is, so the result does
/// not depend on the thread count. Returns 0, or -1 when scratch memory cannot be allocated.
int strata_centered_gram_f64(const float *x, size_t n, size_t d, size_t row_stride,
                             double *g, size_t worker, size_t workers);

/// The same with the instruction set named ("avx512", "avx2", anything else: generic); the
/// caller makes sure the CPU has it. For tests that compare the paths.
int strata_centered_gram_f64_isa(const char *isa, const float *x, size_t n, size_t d,
                                 size_t row_stride, double *g, size_t worker, size_t workers);

/// Copies the upper triangle of the n×n row-major `g` onto its lower triangle.
void strata_gram_mirror(double *g, size_t n);

/// The instruction set the kernels run with on this CPU: "avx512", "avx2" or "generic".
const char *strata_kernels_isa(void);

/// Fixes glibc's mmap threshold at `bytes` (which also stops its dynamic raising), so freed
/// large blocks go back to the system (process_memory.c says why). Returns 1 on success, 0
/// where the C library has no such setting.
int strata_fix_mmap_threshold(int bytes);

#endif
