import Foundation

/// The git commit of the checkout the running `strata` was built in (`.build/…/strata` lives
/// inside it), for the provenance of the files it writes; "unknown" outside a checkout.
func buildCommit() -> String {
  let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    ?? CommandLine.arguments.first ?? ""
  let executable = URL(fileURLWithPath: path).resolvingSymlinksInPath()
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["git", "-C", executable.deletingLastPathComponent().path, "rev-parse", "HEAD"]
  let output = Pipe()
  process.standardOutput = output
  process.standardError = FileHandle.nullDevice
  guard (try? process.run()) != nil else { return "unknown" }
  let data = output.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  let commit = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  return process.terminationStatus == 0 && !commit.isEmpty ? commit : "unknown"
}
