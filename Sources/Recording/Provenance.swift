/// Where a file came from, written at the root of every file Strata writes.
public struct Provenance: Sendable, Equatable {
  public var strataVersion: String
  public var gitCommit: String
  public var commandLine: String
  /// The run spec as JSON, exactly as the run used it.
  public var spec: String
  public var seed: Int64
  /// Library name → version (oneDNN, HDF5, …).
  public var libraries: [String: String]
  public var threads: Int32

  public init(strataVersion: String, gitCommit: String, commandLine: String, spec: String,
              seed: Int64, libraries: [String: String], threads: Int32)
  {
    self.strataVersion = strataVersion
    self.gitCommit = gitCommit
    self.commandLine = commandLine
    self.spec = spec
    self.seed = seed
    self.libraries = libraries
    self.threads = threads
  }
}
