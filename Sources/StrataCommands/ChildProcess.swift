import Foundation

/// Runs a short child process (git, a benchmark script) to its end with stdout in a temporary
/// file, read after it exits. Reading a pipe with `readDataToEndOfFile` crashes
/// swift-corelibs-foundation when a signal interrupts the read (EINTR ends in a `try!`), which
/// happens when other children exit; a file has no such read.
enum ChildProcess {
  /// stdout, or nil when the program cannot start or exits non-zero.
  static func output(_ executable: String, _ arguments: [String], discardingErrors: Bool = true)
    -> (status: Int32, output: Data)?
  {
    let manager = FileManager.default
    let file = manager.temporaryDirectory.appendingPathComponent("strata-child-\(UUID().uuidString)")
    guard manager.createFile(atPath: file.path, contents: nil),
          let handle = try? FileHandle(forWritingTo: file)
    else { return nil }
    defer { try? manager.removeItem(at: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = handle
    if discardingErrors { process.standardError = FileHandle.nullDevice }
    guard (try? process.run()) != nil else { return nil }
    process.waitUntilExit()
    return (process.terminationStatus, (try? Data(contentsOf: file)) ?? Data())
  }
}
