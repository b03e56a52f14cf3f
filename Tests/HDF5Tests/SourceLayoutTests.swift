import Foundation
import Testing

/// Only H5.swift and its facets (H5+*.swift) may call the HDF5 C API, so that every call goes
/// through the global lock in `H5.locked`.
@Suite struct SourceLayoutTests {
  @Test func onlyTheH5FilesImportCHDF5() throws {
    let sources = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Sources/HDF5")
    let files = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
    #expect(files.contains("H5.swift"))
    for name in files {
      let text = try String(contentsOf: sources.appendingPathComponent(name), encoding: .utf8)
      let importsC = text.split(separator: "\n").contains { $0.hasPrefix("import CHDF5") || $0.contains(" import CHDF5") }
      let allowed = name == "H5.swift" || name.hasPrefix("H5+")
      #expect(importsC == allowed && (importsC || !text.contains("strata_H5")),
              "\(name): the HDF5 C API belongs in H5.swift and H5+*.swift only")
    }
  }
}
