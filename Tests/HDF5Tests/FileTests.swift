import Foundation
@testable import HDF5
import Testing

@Suite struct FileTests {
  @Test func createTruncateReplacesAndExclusiveRefuses() throws {
    try withScratchDirectory { directory in
      let path = directory + "/a.h5"
      do {
        let file = try HDF5File.create(path)
        try file.root.createDataset("x", values: [Int32(1), 2, 3])
        try file.close()
      }
      let error = try #require(throws: HDF5Error.self) { try HDF5File.create(path, mode: .exclusive) }
      #expect(error.kind == .library)
      #expect(error.call == "H5Fcreate")
      #expect(error.description.contains(path))

      let truncated = try HDF5File.create(path, mode: .truncate)
      #expect(try truncated.root.childNames() == [])
      expectOnlyFileOpen(truncated)
    }
  }

  @Test func readOnlyRefusesWritesAndReadWriteAccepts() throws {
    try withScratchDirectory { directory in
      let path = directory + "/a.h5"
      try HDF5File.create(path).close()
      do {
        let file = try HDF5File.open(path)
        #expect(file.mode == .readOnly)
        let error = try #require(throws: HDF5Error.self) { try file.root.createGroup("g") }
        #expect(error.call == "H5Gcreate2")
        #expect(error.object == "/g")
        #expect(error.description.contains(path))
        expectOnlyFileOpen(file)
      }
      let writable = try HDF5File.open(path, mode: .readWrite)
      try writable.root.createGroup("g").attributes.write("n", Int32(7))
      try writable.close()
      #expect(try HDF5File.open(path).root.openGroup("g").attributes.read("n", as: Int32.self) == 7)
    }
  }

  @Test func closeIsExplicitIdempotentAndInvalidatesHandles() throws {
    try withScratchDirectory { directory in
      let path = directory + "/a.h5"
      let file = try HDF5File.create(path)
      let dataset = try file.root.createDataset("x", values: [1.5, 2.5])
      #expect(file.isOpen)
      try file.close()
      #expect(!file.isOpen)
      try file.close()

      let error = try #require(throws: HDF5Error.self) { try dataset.read(Double.self) }
      #expect(error.kind == .fileClosed)
      #expect(error.object == "/x")
      #expect(error.file == path)
      #expect(throws: HDF5Error.self) { try file.openObjectCount() }
      #expect(throws: HDF5Error.self) { try file.root.childNames() }
    }
  }

  @Test func deinitClosesTheFile() throws {
    try withScratchDirectory { directory in
      let path = directory + "/a.h5"
      do {
        let file = try HDF5File.create(path)
        let group = try file.root.createGroup("g")
        try group.createDataset("x", values: [UInt8(1)])
        // Close explicitly: the reopen below must not depend on when ARC releases it.
        try file.close()
      }
      // HDF5 refuses to truncate a file it still has open, so this proves the release.
      let again = try HDF5File.create(path, mode: .truncate)
      #expect(try again.root.childNames() == [])
    }
  }

  @Test func dataWrittenBeforeCloseIsThereAfterReopen() throws {
    try withScratchDirectory { directory in
      let path = directory + "/a.h5"
      do {
        let file = try HDF5File.create(path)
        try file.root.createDataset("x", values: ["a", "b"])
        try file.flush()
        try file.close()
      }
      let file = try HDF5File.open(path)
      #expect(try file.root.openDataset("x").read(String.self) == ["a", "b"])
      expectOnlyFileOpen(file)
    }
  }

  @Test func creationOrderIsTrackedAndIndexedOnFileGroupsAndDatasets() throws {
    try withScratchDirectory { directory in
      let file = try HDF5File.create(directory + "/a.h5")
      let group = try file.root.createGroup("g")
      let dataset = try group.createDataset("x", values: [Float(1)])
      let site = Site(file: file.path, object: "/")
      for location in [try file.root.locationID(), try group.locationID()] {
        #expect(try H5.creationOrderIndexed(location, links: true, site))
        #expect(try H5.creationOrderIndexed(location, links: false, site))
      }
      #expect(try H5.creationOrderIndexed(try dataset.locationID(), links: false, site))
    }
  }

  @Test func automaticErrorPrintingIsOffOnEveryThread() throws {
    // In a thread-safe libhdf5 (Debian's) the setting is per thread, so fresh threads must be
    // silenced too; each thread fails a call and then reads the setting it ran with.
    let results = ThreadResults()
    let threads = (0..<4).map { index in
      Thread {
        _ = try? HDF5File.open("/nonexistent/strata-error-printing-\(index).h5")
        results.append(H5.automaticErrorPrintingIsOff())
      }
    }
    threads.forEach { $0.start() }
    let values = results.wait(for: threads.count)
    #expect(values == [true, true, true, true])
  }

  @Test func libraryVersionIsThe110Series() {
    #expect(HDF5Library.version.hasPrefix("1.10."))
  }
}

/// Values handed back from plain threads.
private final class ThreadResults: @unchecked Sendable {
  private let condition = NSCondition()
  private var values: [Bool] = []

  func append(_ value: Bool) {
    condition.lock()
    values.append(value)
    condition.broadcast()
    condition.unlock()
  }

  func wait(for count: Int) -> [Bool] {
    condition.lock()
    defer { condition.unlock() }
    while values.count < count { condition.wait() }
    return values
  }
}

/// An open HDF5 file's descriptor closes when a child process execs: a child started meanwhile
/// (a sweep's `strata train`) must not inherit it and its lock, or this process could not open
/// the file again while the child lives ("unable to lock the file", seen in the suite).
@Suite struct CloseOnExecTests {
  /// The flags of every descriptor of this process open on `path`.
  static func descriptorFlags(of path: String) throws -> [Int32] {
    let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    return try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap { name in
      guard let fd = Int32(name),
            let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)"),
            link == target
      else { return nil }
      return fcntl(fd, F_GETFD)
    }
  }

  @Test func createdAndOpenedFilesCloseOnExec() throws {
    try withScratchDirectory { directory in
      let path = directory + "/a.h5"
      let created = try HDF5File.create(path)
      var flags = try Self.descriptorFlags(of: path)
      #expect(!flags.isEmpty && flags.allSatisfy { $0 & FD_CLOEXEC != 0 }, "created: \(flags)")
      try created.close()
      #expect(try Self.descriptorFlags(of: path).isEmpty, "closed")
      let opened = try HDF5File.open(path)
      flags = try Self.descriptorFlags(of: path)
      #expect(!flags.isEmpty && flags.allSatisfy { $0 & FD_CLOEXEC != 0 }, "opened: \(flags)")
      try opened.close()
    }
  }
}
