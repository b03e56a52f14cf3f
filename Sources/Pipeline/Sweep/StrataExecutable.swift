import Foundation

/// The `strata` executable that child processes run: `STRATA_EXECUTABLE` when set, else this
/// process when it is `strata`, else a `strata` beside it (the test runner sits next to the
/// built executable in the build folder).
public enum StrataExecutable {
  public static func path() throws -> String {
    if let path = ProcessInfo.processInfo.environment["STRATA_EXECUTABLE"], !path.isEmpty {
      return path
    }
    let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? CommandLine.arguments.first ?? "strata"
    let url = URL(fileURLWithPath: me).resolvingSymlinksInPath()
    if url.lastPathComponent == "strata" { return url.path }
    let beside = url.deletingLastPathComponent().appendingPathComponent("strata").path
    guard FileManager.default.isExecutableFile(atPath: beside) else {
      throw SweepError(path: beside, message: "no strata executable to run the sweep's tasks; "
                       + "set STRATA_EXECUTABLE")
    }
    return beside
  }
}
