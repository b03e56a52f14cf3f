import Foundation
@testable import HDF5
import Testing

/// libhdf5 here is not thread-safe; the wrapper's global lock must make concurrent use from many
/// tasks safe. Without it this test corrupts HDF5's state or crashes.
@Suite struct ConcurrencyTests {
  @Test func manyTasksUseSeparateFilesAtOnce() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "strata-hdf5-concurrency-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }

    try await withThrowingTaskGroup(of: Void.self) { group in
      for worker in 0..<8 {
        group.addTask {
          let file = try HDF5File.create(directory + "/\(worker).h5")
          do {
            let rows = try file.root.createDataset(
              "rows", of: Int64.self, shape: [0, 4], layout: .chunked(chunk: [2, 4], extendable: true))
            for step in 0..<25 {
              try rows.append((0..<4).map { Int64(worker * 1000 + step * 4 + $0) })
              try rows.attributes.write("step", "\(step)")
              _ = try? file.root.openDataset("missing")  // errors interleave with other tasks
            }
            let values = try rows.read(Int64.self, rank: 2)
            #expect(values == (0..<100).map { Int64(worker * 1000 + $0) })
            #expect(try rows.attributes.read("step", as: String.self) == "24")
          }
          #expect(try file.openObjectCount() == 1)
        }
      }
      try await group.waitForAll()
    }
  }

  @Test func publicCallsWaitForTheGlobalLock() throws {
    // While this thread holds the lock, another thread's HDF5 work must not get through.
    try withScratchDirectory { directory in
      let finished = Flag()
      H5.locked {
        Thread {
          if let file = try? HDF5File.create(directory + "/blocked.h5") {
            _ = try? file.root.createDataset("x", values: [1.0])
          }
          finished.set()
        }.start()
        Thread.sleep(forTimeInterval: 0.3)
        #expect(!finished.isSet, "an HDF5 call ran while another thread held the lock")
      }
      finished.wait()
    }
  }
}

private final class Flag: @unchecked Sendable {
  private let condition = NSCondition()
  private var value = false

  var isSet: Bool {
    condition.lock()
    defer { condition.unlock() }
    return value
  }

  func set() {
    condition.lock()
    value = true
    condition.broadcast()
    condition.unlock()
  }

  func wait() {
    condition.lock()
    defer { condition.unlock() }
    while !value { condition.wait() }
  }
}
