#include "CKernels.h"

#include <stdlib.h>
#include <string.h>

// Eight Float64 lanes: one AVX-512 register, two AVX2 registers, four SSE2 registers. Partial
// sums over k live in the lanes (k ≡ lane mod 8) and are added in one fixed order at the end of
// each column block, so the AVX-512 and AVX2 paths give bit-identical Grams (both with FMA).
typedef double double8 __attribute__((vector_size(64), aligned(64)));

// Columns per packed block: 512 was fastest for n = 40 … 2000 rows on an AVX-512 Xeon (L2
// 2 MiB); the block is re-read by every tile, the lane sums are paid once per block.
enum { BLOCK_WIDTH = 512 };

// By pointer: a vector passed by value would change the calling convention between the
// AVX-512 and narrower builds of the callers (clang's -Wpsabi).
static inline __attribute__((always_inline)) double lane_sum(const double8 *v) {
  return (((*v)[0] + (*v)[1]) + ((*v)[2] + (*v)[3])) + (((*v)[4] + (*v)[5]) + ((*v)[6] + (*v)[7]));
}

// p[i * wp + k] = x[i][c0 + k] − mean of column c0 + k for i < n, k < w; zeros elsewhere (the
// padding rows and columns add exact zeros to the sums).
static inline __attribute__((always_inline)) void
pack_centered(const float *x, size_t n, size_t row_stride, size_t c0, size_t w, size_t wp,
              double *p, double *mean) {
  for (size_t k = 0; k < w; k++) mean[k] = 0;
  for (size_t i = 0; i < n; i++) {
    const float *row = x + i * row_stride + c0;
    for (size_t k = 0; k < w; k++) mean[k] += (double)row[k];
  }
  for (size_t k = 0; k < w; k++) mean[k] /= (double)n;
  for (size_t i = 0; i < n; i++) {
    const float *row = x + i * row_stride + c0;
    double *out = p + i * wp;
    for (size_t k = 0; k < w; k++) out[k] = (double)row[k] - mean[k];
    for (size_t k = w; k < wp; k++) out[k] = 0;
  }
}

// G[i0 + r][j0 + c] += the dot product of packed rows i0 + r and j0 + c over one block, for an
// MR × NR tile whose accumulators stay in registers (MR + NR loads feed MR·NR FMAs).
#define TILE(MR, NR)                                                                            \
  static inline __attribute__((always_inline)) void tile_##MR##x##NR(                           \
      const double *p, size_t wp, size_t i0, size_t j0, double *g, size_t n) {                  \
    double8 acc[MR][NR];                                                                        \
    for (int r = 0; r < MR; r++)                                                                \
      for (int c = 0; c < NR; c++) acc[r][c] = (double8){0};                                    \
    for (size_t k = 0; k < wp; k += 8) {                                                        \
      double8 a[MR], b[NR];                                                                     \
      for (int r = 0; r < MR; r++) a[r] = *(const double8 *)(p + (i0 + r) * wp + k);           \
      for (int c = 0; c < NR; c++) b[c] = *(const double8 *)(p + (j0 + c) * wp + k);           \
      for (int r = 0; r < MR; r++)                                                              \
        for (int c = 0; c < NR; c++) acc[r][c] += a[r] * b[c];                                  \
    }                                                                                           \
    for (int r = 0; r < MR && i0 + r < n; r++)                                                  \
      for (int c = 0; c < NR && j0 + c < n; c++) g[(i0 + r) * n + j0 + c] += lane_sum(&acc[r][c]); \
  }
TILE(4, 4)
TILE(2, 2)

// Row tiles t ≡ worker (mod workers); column tiles from the diagonal on.
#define GRAM(NAME, TARGET, MR, NR)                                                              \
  TARGET static int NAME(const float *x, size_t n, size_t d, size_t row_stride, double *g,     \
                         size_t worker, size_t workers) {                                      \
    size_t np = (n + 3) / 4 * 4, width = d < BLOCK_WIDTH ? (d + 7) / 8 * 8 : BLOCK_WIDTH;                                       \
    double *p = aligned_alloc(64, np * width * sizeof(double));                                 \
    double *mean = malloc(width * sizeof(double));                                              \
    if (!p || !mean) {                                                                          \
      free(p);                                                                                  \
      free(mean);                                                                               \
      return -1;                                                                                \
    }                                                                                           \
    memset(p, 0, np * width * sizeof(double));                                                  \
    for (size_t c0 = 0; c0 < d; c0 += width) {                                                  \
      size_t w = d - c0 < width ? d - c0 : width, wp = (w + 7) / 8 * 8;                         \
      pack_centered(x, n, row_stride, c0, w, wp, p, mean);                                      \
      for (size_t i0 = worker * MR; i0 < n; i0 += workers * MR)                                 \
        for (size_t j0 = i0 / NR * NR; j0 < n; j0 += NR) tile_##MR##x##NR(p, wp, i0, j0, g, n); \
    }                                                                                           \
    free(p);                                                                                    \
    free(mean);                                                                                 \
    return 0;                                                                                   \
  }
GRAM(gram_avx512, __attribute__((target("avx512f,avx512vl,fma"))), 4, 4)
GRAM(gram_avx2, __attribute__((target("avx2,fma"))), 2, 2)
GRAM(gram_generic, , 2, 2)

const char *strata_kernels_isa(void) {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) return "avx512";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "avx2";
  return "generic";
}

int strata_centered_gram_f64(const float *x, size_t n, size_t d, size_t row_stride, double *g,
                             size_t worker, size_t workers) {
  return strata_centered_gram_f64_isa(strata_kernels_isa(), x, n, d, row_stride, g, worker,
                                      workers);
}

int strata_centered_gram_f64_isa(const char *isa, const float *x, size_t n, size_t d,
                                 size_t row_stride, double *g, size_t worker, size_t workers) {
  if (strcmp(isa, "avx512") == 0) return gram_avx512(x, n, d, row_stride, g, worker, workers);
  if (strcmp(isa, "avx2") == 0) return gram_avx2(x, n, d, row_stride, g, worker, workers);
  return gram_generic(x, n, d, row_stride, g, worker, workers);
}

void strata_gram_mirror(double *g, size_t n) {
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++) g[i * n + j] = g[j * n + i];
}
