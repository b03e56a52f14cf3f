import CKernels
import Testing

/// `strata` fixes glibc's mmap threshold at start (`Strata.returnFreedBuffersToTheSystem`):
/// the C library must accept the setting, or the fix does nothing. What it does to memory is
/// measured by a whole MEMO run under `/usr/bin/time -v` (benchmarks/README.md), not here.
@Suite struct ProcessMemoryTests {
  @Test func glibcAcceptsAFixedMmapThreshold() {
    #expect(strata_fix_mmap_threshold(128 * 1024) == 1)
  }
}
