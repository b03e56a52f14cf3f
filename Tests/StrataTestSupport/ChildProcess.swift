import Foundation

/// Runs a child process to its end with stdout and stderr in temporary files, read after it
/// exits. Reading pipes with `readDataToEndOfFile` crashes swift-corelibs-foundation when a
/// signal (another child's SIGCHLD, under parallel tests) interrupts the read: EINTR ends in a
/// `try!`. Files have no such read, and no pipe can fill up and block the child either.
public enum ChildProcess {
  public struct Result: Sendable {
    public var status: Int32
    public var output: Data
    public var errors: String
  }

  public static func run(_ executable: String, _ arguments: [String],
                         environment: [String: String]? = nil, input: Data? = nil) throws -> Result
  {
    let manager = FileManager.default
    let base = manager.temporaryDirectory.appendingPathComponent("strata-child-\(UUID().uuidString)")
    let (outURL, errURL, inURL) = (base.appendingPathExtension("out"),
                                   base.appendingPathExtension("err"),
                                   base.appendingPathExtension("in"))
    defer { for url in [outURL, errURL, inURL] { try? manager.removeItem(at: url) } }
    _ = manager.createFile(atPath: outURL.path, contents: nil)
    _ = manager.createFile(atPath: errURL.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    if let input {
      try input.write(to: inURL)
      process.standardInput = try FileHandle(forReadingFrom: inURL)
    }
    try process.run()
    process.waitUntilExit()
    return Result(status: process.terminationStatus, output: try Data(contentsOf: outURL),
                  errors: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
  }
}
