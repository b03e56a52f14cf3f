import Foundation
import Testing

/// The notebooks run as the README writes them: from the repository root, with a relative
/// STRATA_RUN, headless through `jupyter nbconvert`, against a copy of the committed quickstart
/// run; they show their figures inline and save them, and the figures carry labelled axes, the
/// split marker and whole-number task ticks (Tests/ReportsTests/Oracles/check_figures.py).
@Suite(.serialized) struct NotebookTests {
  static let repository = QuickstartReportTests.repository
  static var hasJupyter: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/jupyter") }

  /// Runs `command` with `arguments` in the repository root, as a shell would (PWD set).
  static func run(_ command: String, _ arguments: [String],
                  environment extra: [String: String] = [:]) throws -> (Int32, String)
  {
    let log = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-notebook-\(UUID().uuidString).log").path
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: log) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command)
    process.arguments = arguments
    process.currentDirectoryURL = repository
    var environment = ProcessInfo.processInfo.environment
    environment["PWD"] = repository.path
    environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    environment["STRATA_FIGURES"] = nil
    for (key, value) in extra { environment[key] = value }
    process.environment = environment
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    process.waitUntilExit()
    return (process.terminationStatus, try String(contentsOfFile: log, encoding: .utf8))
  }

  @Test(.enabled(if: hasJupyter, "jupyter-nbconvert is missing: run scripts/install-deps --test"))
  func notebooksRunAsTheREADMEWritesThem() throws {
    // A run folder under runs/ (ignored by git), as `make demo` makes one.
    let name = "runs/notebook-test-\(UUID().uuidString.prefix(8))"
    let run = Self.repository.appendingPathComponent(name).path
    try FileManager.default.createDirectory(atPath: Self.repository.appendingPathComponent("runs").path,
                                            withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: QuickstartReportTests.committed, toPath: run)
    defer { try? FileManager.default.removeItem(atPath: run) }
    try? FileManager.default.removeItem(atPath: run + "/figures")
    let before = try FileManager.default.contentsOfDirectory(
      atPath: Self.repository.appendingPathComponent("notebooks-export").path).sorted()
    for notebook in ["probes", "verify"] {
      // README: STRATA_RUN=runs/quickstart jupyter nbconvert --to notebook --execute \
      //           notebooks-export/probes.ipynb --output-dir runs/quickstart
      let (status, log) = try Self.run(
        "/usr/bin/jupyter", ["nbconvert", "--to", "notebook", "--execute",
                             "notebooks-export/\(notebook).ipynb", "--output-dir", name],
        environment: ["STRATA_RUN": name])
      #expect(status == 0, "\(notebook).ipynb: \(log)")
      // The executed notebook shows its two figures inline.
      let executed = try Data(contentsOf: URL(fileURLWithPath: "\(run)/\(notebook).ipynb"))
      let json = try #require(try JSONSerialization.jsonObject(with: executed) as? [String: Any])
      let cells = try #require(json["cells"] as? [[String: Any]])
      let images = cells.flatMap { ($0["outputs"] as? [[String: Any]]) ?? [] }
        .filter { (($0["data"] as? [String: Any])?["image/png"]) != nil }
      #expect(images.count == 2, "\(notebook).ipynb shows \(images.count) figures inline")
    }
    for png in ["probes-blocks.png", "probes-cka.png", "verify-memory.png", "verify-tasks.png"] {
      let data = try Data(contentsOf: URL(fileURLWithPath: "\(run)/figures/\(png)"))
      #expect(data.count > 5_000 && data.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]), "\(png)")
    }
    // Nothing written beside the notebooks (no runs/ folder resolved from notebooks-export/).
    let after = try FileManager.default.contentsOfDirectory(
      atPath: Self.repository.appendingPathComponent("notebooks-export").path).sorted()
    #expect(after.filter { $0 != "__pycache__" } == before.filter { $0 != "__pycache__" })
  }

  /// A run folder that does not exist stops the notebook with its name, before any folder is
  /// made.
  @Test(.enabled(if: hasJupyter, "jupyter-nbconvert is missing: run scripts/install-deps --test"))
  func aMissingRunFolderIsNamed() throws {
    let name = "runs/no-such-run-\(UUID().uuidString.prefix(8))"
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("nb-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: out) }
    let (status, log) = try Self.run(
      "/usr/bin/jupyter", ["nbconvert", "--to", "notebook", "--execute",
                           "notebooks-export/probes.ipynb", "--output-dir", out],
      environment: ["STRATA_RUN": name])
    #expect(status != 0)
    #expect(log.contains("\(name): no such run folder"), "\(log)")
    #expect(!FileManager.default.fileExists(atPath: Self.repository.appendingPathComponent(name).path))
  }

  /// Every figure: axes labelled with units, the split marked where one applies, tasks on
  /// whole numbers; and with three seeds, error bars. Checked on the matplotlib objects.
  @Test(.enabled(if: hasJupyter, "matplotlib is missing: run scripts/install-deps --test"))
  func figuresAreLabelledAndMarked() throws {
    let (status, log) = try Self.run(
      "/usr/bin/python3", [Self.repository.appendingPathComponent("Tests/ReportsTests/Oracles/check_figures.py").path,
                           QuickstartReportTests.quickstart])
    #expect(status == 0, "\(log)")
    print(log)
  }

  @Test(.enabled(if: hasJupyter, "python3-nbformat is missing: run scripts/install-deps --test"))
  func notebooksAreBuiltFromTheScripts() throws {
    let (status, log) = try Self.run(
      "/usr/bin/python3", ["notebooks-export/make_notebooks.py", "--check"])
    #expect(status == 0, "the notebooks are stale: run make_notebooks.py: \(log)")
  }
}
