import Foundation
import Recording
import Testing

/// `OutputPaths.check` and `OutputLock` on their own (issue 24, cases 2, 7, 8): an input reached
/// through a symbolic link or another spelling is still the input, an output named twice and an
/// output that is a directory are refused, and a held lock is re-entrant in its process.
@Suite struct OutputPathsTests {
  static func refusal(_ outputs: [String], _ inputs: [String]) -> String {
    do {
      try OutputPaths.check(outputs: outputs, inputs: inputs)
      return "no refusal"
    } catch {
      return "\(error)"
    }
  }

  @Test func inputsDirectoriesAndRepeatsAreRefused() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "strata-paths-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let spec = folder + "/spec.json"
    try "{}".write(toFile: spec, atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: folder + "/link.json", withDestinationPath: spec)
    #expect(Self.refusal([folder + "/link.json"], [spec]).contains("the output is the input"))
    #expect(Self.refusal([folder + "/sub/../spec.json"], [spec]).contains("the output is the input"))
    // Not there yet: compared by resolved path.
    #expect(Self.refusal([folder + "/sub/../new.h5"], [folder + "/new.h5"])
      .contains("the output is the input"))
    #expect(Self.refusal([folder + "/sub"], []).contains("the output is a directory"))
    #expect(Self.refusal([folder + "/a.h5", folder + "/sub/../a.h5"], []).contains("named as two outputs"))
    #expect(Self.refusal([folder + "/out.h5"], [spec]) == "no refusal")
    // The lock file is a hidden sibling; taking it twice in one process is allowed.
    try OutputLock.acquire(folder + "/out.h5")
    try OutputLock.acquire(folder + "/out.h5")
    let lock = try String(contentsOfFile: folder + "/.out.h5.strata-lock", encoding: .utf8)
    #expect(lock.hasPrefix("pid \(getpid()):"))
  }
}
