import Foundation

/// `benchmarks/torch_train_bench.py --serve`: the PyTorch reference as a process that runs one
/// training step or eval forward per command, so the benchmark can put PyTorch's steps right
/// beside Strata's. It ends when told to or when its standard input closes (this process gone).
final class TorchServer {
  let format: String
  private let process = Process()
  private let commands = Pipe()
  private let answers = Pipe()
  private var pending = Data()

  /// Memory formats PyTorch is measured in; the benchmark keeps the faster one.
  static let formats = ["channels-last", "contiguous"]

  init(python: String, threads: Int, batch: Int, format: String, depth: Int = 32,
       branches: Int = 1, split: String = "none") throws {
    self.format = format
    signal(SIGPIPE, SIG_IGN)  // a reference that died is an error below, not the end of strata
    let script = try benchmarkScript("torch_train_bench.py")
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script, "--serve", "--threads", "\(threads)", "--batch", "\(batch)",
                         "--channels-last", format == "channels-last" ? "1" : "0",
                         "--depth", "\(depth)", "--branches", "\(branches)", "--split", split]
    var environment = ProcessInfo.processInfo.environment
    environment["OMP_NUM_THREADS"] = "\(threads)"
    process.environment = environment
    process.standardInput = commands
    process.standardOutput = answers
    guard FileManager.default.isExecutableFile(atPath: python) else {
      throw BenchError("\(python) is not an executable Python; run scripts/install-deps or pass "
                       + "--python")
    }
    do { try process.run() } catch {
      throw BenchError("cannot run \(python) \(script): \(error.localizedDescription)")
    }
  }

  deinit {
    try? commands.fileHandleForWriting.close()
    if process.isRunning { process.terminate() }
  }

  /// Sends `command` ("train", "eval" or "rss") and returns the number PyTorch answers.
  func ask(_ command: String) throws -> Double {
    do { try commands.fileHandleForWriting.write(contentsOf: Data((command + "\n").utf8)) } catch {
      throw failure("exited before '\(command)'")
    }
    while true {
      if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: pending[..<end], as: UTF8.self)
        pending.removeSubrange(...end)
        guard let value = Double(line) else { throw failure("answered '\(line)' to '\(command)'") }
        return value
      }
      let chunk = answers.fileHandleForReading.availableData
      if chunk.isEmpty { throw failure("exited while answering '\(command)'") }
      pending.append(chunk)
    }
  }

  /// What went wrong, with the exit status once the process has ended.
  private func failure(_ what: String) -> BenchError {
    var status = ""
    if what.hasPrefix("exited") {
      process.waitUntilExit()
      status = " with status \(process.terminationStatus)"
    }
    return BenchError("the PyTorch reference (\(format)) \(what)\(status); its messages are above")
  }
}

/// A benchmark that cannot go on: printed as it is, without a usage line.
struct BenchError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
