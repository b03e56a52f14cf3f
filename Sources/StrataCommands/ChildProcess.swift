import Foundation

/// Runs a short child process (git, a benchmark script, sbatch) to its end with stdout (and
/// stderr) in temporary files, read after it exits. Reading a pipe with `readDataToEndOfFile`
/// crashes swift-corelibs-foundation when a signal interrupts the read (EINTR ends in a `try!`),
/// which happens when other children exit; a file has no such read.
enum ChildProcess {
  /// stdout, or nil when the program cannot start or exits non-zero.
  static func output(_ executable: String, _ arguments: [String], discardingErrors: Bool = true)
    -> (status: Int32, output: Data)?
  {
    guard let result = outputAndErrors(executable, arguments, errors: discardingErrors ? .discard : .inherit)
    else { return nil }
    return (result.status, result.output)
  }

  enum Errors { case capture, discard, inherit }

  /// The exit status, stdout and stderr (empty unless captured); nil when the program cannot
  /// start.
  static func outputAndErrors(_ executable: String, _ arguments: [String], errors: Errors = .capture)
    -> (status: Int32, output: Data, errors: String)?
  {
    let manager = FileManager.default
    let base = manager.temporaryDirectory.appendingPathComponent("strata-child-\(UUID().uuidString)")
    let (out, err) = (base.appendingPathExtension("out"), base.appendingPathExtension("err"))
    defer { for file in [out, err] { try? manager.removeItem(at: file) } }
    guard manager.createFile(atPath: out.path, contents: nil),
          manager.createFile(atPath: err.path, contents: nil),
          let outHandle = try? FileHandle(forWritingTo: out),
          let errHandle = try? FileHandle(forWritingTo: err)
    else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = outHandle
    switch errors {
    case .capture: process.standardError = errHandle
    case .discard: process.standardError = FileHandle.nullDevice
    case .inherit: break
    }
    guard (try? process.run()) != nil else { return nil }
    process.waitUntilExit()
    return (process.terminationStatus, (try? Data(contentsOf: out)) ?? Data(),
            (try? String(contentsOf: err, encoding: .utf8)) ?? "")
  }
}
