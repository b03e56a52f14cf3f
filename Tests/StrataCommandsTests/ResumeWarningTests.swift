import Testing
@testable import StrataCommands

/// The warning for a resume under another thread count says what it can change (issue 24,
/// case 9): not "the last bits" but a run that moves, once by a point of average accuracy.
@Suite struct ResumeWarningTests {
  @Test func aChangedThreadCountWarnsOfMoreThanRounding() {
    let warning = TrainCommand.threadWarning(written: 4, current: 2)
    #expect(warning.contains("written with 4 threads, this process has 2"))
    #expect(warning.contains("not be bit-identical") && warning.contains("beyond rounding")
            && warning.contains("average accuracy by a point"))
    #expect(warning.contains("OMP_NUM_THREADS=4") && !warning.contains("last bits"))
  }
}
