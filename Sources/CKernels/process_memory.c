// glibc's malloc raises its mmap threshold each time a large mmap'ed block is freed (up to
// 32 MiB on 64-bit), so after the first few tensors are released, later ones of the same size
// come from the heap, where freed memory is kept for reuse and fragments instead of returning
// to the system. A learner run frees and allocates such blocks all the time (batches of every
// size, evaluation, herding, checkpoints): a fixed threshold keeps large blocks mmap'ed and
// returns them on free.
#include <malloc.h>

#include "CKernels.h"

int strata_fix_mmap_threshold(int bytes) {
#ifdef M_MMAP_THRESHOLD
  return mallopt(M_MMAP_THRESHOLD, bytes);
#else
  (void)bytes;
  return 0;
#endif
}
