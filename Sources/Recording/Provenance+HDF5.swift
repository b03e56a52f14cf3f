import Foundation
import HDF5

extension Provenance {
  /// Writes the provenance as root attributes (the names every Strata file uses).
  public func write(to attributes: HDF5Attributes) throws {
    try attributes.write("strata_version", strataVersion)
    try attributes.write("git_commit", gitCommit)
    try attributes.write("command_line", commandLine)
    try attributes.write("spec", spec)
    try attributes.write("seed", seed)
    try attributes.write("threads", threads)
    let versions = libraries.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
    try attributes.write("library_versions", versions.joined(separator: "; "))
  }

  /// Reads what `write(to:)` wrote; a missing attribute is an error naming `path` and it.
  public init(reading attributes: HDF5Attributes, path: String) throws {
    func required(_ name: String) throws {
      guard try attributes.contains(name) else {
        throw RecordingError(path: path, message: "no root attribute '\(name)' (provenance)")
      }
    }
    for name in ["strata_version", "git_commit", "command_line", "spec", "seed", "threads",
                 "library_versions"] {
      try required(name)
    }
    var libraries: [String: String] = [:]
    for entry in try attributes.read("library_versions", as: String.self)
      .split(separator: ";", omittingEmptySubsequences: true)
    {
      // "oneDNN 2.6.3": the name is everything before the last space.
      let text = entry.trimmingCharacters(in: .whitespaces)
      if let space = text.lastIndex(of: " ") {
        libraries[String(text[..<space])] = String(text[text.index(after: space)...])
      } else if !text.isEmpty {
        libraries[text] = ""
      }
    }
    self.init(strataVersion: try attributes.read("strata_version"),
              gitCommit: try attributes.read("git_commit"),
              commandLine: try attributes.read("command_line"),
              spec: try attributes.read("spec"), seed: try attributes.read("seed"),
              libraries: libraries, threads: try attributes.read("threads"))
  }
}
