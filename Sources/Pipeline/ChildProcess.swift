import Foundation

/// Runs a short child process (git, a benchmark script, sbatch) to its end with stdout (and
/// stderr) in temporary files, read after it exits. Reading a pipe with `readDataToEndOfFile`
/// crashes swift-corelibs-foundation when a signal interrupts the read (EINTR ends in a `try!`),
/// which happens when other children exit; a file has no such read. Started as sweep tasks are
/// (`SpawnedProcess`).
public enum ChildProcess {
  /// stdout, or nil when the program cannot start or exits non-zero.
  public static func output(_ executable: String, _ arguments: [String], discardingErrors: Bool = true)
    -> (status: Int32, output: Data)?
  {
    guard let result = outputAndErrors(executable, arguments, errors: discardingErrors ? .discard : .inherit)
    else { return nil }
    return (result.status, result.output)
  }

  public enum Errors { case capture, discard, inherit }

  /// The exit status, stdout and stderr (empty unless captured); nil when the program cannot
  /// start. The child runs in this process's group (`SpawnedProcess`), so a Ctrl-C stops it too.
  static func outputAndErrors(_ executable: String, _ arguments: [String], errors: Errors = .capture)
    -> (status: Int32, output: Data, errors: String)?
  {
    let manager = FileManager.default
    let base = manager.temporaryDirectory.appendingPathComponent("strata-child-\(UUID().uuidString)")
    let (out, err) = (base.appendingPathExtension("out"), base.appendingPathExtension("err"))
    defer { for file in [out, err] { try? manager.removeItem(at: file) } }
    let destination: SpawnedProcess.Errors = switch errors {
    case .capture: .file(err.path)
    case .discard: .file("/dev/null")
    case .inherit: .inherited
    }
    guard let child = try? SpawnedProcess(
      executable: executable, arguments: arguments,
      environment: ProcessInfo.processInfo.environment, log: out.path, errors: destination)
    else { return nil }
    child.wait()
    // A child ended by a signal reports 128 + the signal, as a shell does.
    let status = child.exitCode ?? 128 + (child.signal ?? 0)
    return (status, (try? Data(contentsOf: out)) ?? Data(),
            (try? String(contentsOf: err, encoding: .utf8)) ?? "")
  }
}
