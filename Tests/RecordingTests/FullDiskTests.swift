import CIL
import Foundation
import StrataTestSupport
import Testing
@testable import Recording

/// A full disk while Strata writes (issue 11), on a small tmpfs: the write fails with an error
/// naming the file and the cause, and the file as it was before stays whole and readable, with
/// no partial file left to hold the space.
@Suite struct FullDiskTests {
  typealias Fixture = CheckpointFixture

  @Test func aCheckpointOnAFullDiskKeepsThePreviousOne() throws {
    try withScratchMount(bytes: 64 * 1024) { mount in
      let plan = try Fixture.plan(Fixture.spec(.memo))
      let first = try Fixture.checkpoint(plan)
      let path = mount.path + "/checkpoint.h5"
      try Fixture.write(first, plan, to: path)
      let before = try Data(contentsOf: URL(fileURLWithPath: path))
      // The next epoch's checkpoint does not fit beside it.
      #expect(mount.freeBytes < before.count, "\(mount.freeBytes) bytes free")
      var next = first
      next.position.epochsCompleted = 2
      let free = mount.freeBytes
      let error = try #require(throws: RecordingError.self) { try Fixture.write(next, plan, to: path) }
      print("FULLDISK checkpoint: \(error)")
      #expect(error.path == path)
      #expect(error.message.contains("No space left on device"), "\(error)")
      #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
      #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
      // HDF5 let go of the partial file: its space is free again.
      #expect(mount.freeBytes == free, "\(mount.freeBytes) bytes free, \(free) before")
      #expect(try RunCheckpointFile.read(path).checkpoint.position.epochsCompleted == 1)
      // With room again, the same write goes through.
      try FileManager.default.removeItem(atPath: path)
      try Fixture.write(next, plan, to: path)
      #expect(try RunCheckpointFile.read(path).checkpoint.position.epochsCompleted == 2)
    }
  }

  /// A task is appended with no room at all, or with room for the file as it was but not for
  /// its growth; tasks already recorded stay readable by Strata, h5py and xarray.
  @Test(arguments: ["no room", "room for the earlier size"])
  func aProbeAppendOnAFullDiskKeepsEarlierTasks(room: String) throws {
    try withScratchMount(bytes: 1024 * 1024) { mount in
      let path = mount.path + "/probes.h5"
      let file = try ProbeFile.create(at: path, blocks: ProbeFileTests.blocks, epochs: 2, tasks: 4,
                                      settings: ProbeFileTests.settings,
                                      provenance: ProbeFileTests.provenance)
      try file.append(ProbeFileTests.task(1, epochs: 2))
      let before = try Data(contentsOf: URL(fileURLWithPath: path))
      mount.fill(leaving: room == "no room" ? 0 : before.count)
      let free = mount.freeBytes
      let error = try #require(throws: RecordingError.self) {
        try file.append(ProbeFileTests.task(2, epochs: 2))
      }
      print("FULLDISK probe append (\(room)): \(error)")
      #expect(error.path == path)
      #expect(error.message.contains("No space left on device"), "\(error)")
      #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
      #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
      #expect(mount.freeBytes == free, "\(mount.freeBytes) bytes free, \(free) before")
      #expect(try ProbeFile.open(path).read().tasks == [1])
      // h5py reads every variable, xarray labels the axes.
      let python = try ProbeFileTests.readWithPython(path)
      let variables = try #require(python["variables"] as? [String: [String: Any]])
      #expect(variables["task"]?["values"] as? [Int] == [1])
      #expect(variables["cka_old"]?["shape"] as? [Int] == [1, 3])
      #expect((python["xarray"] as? [String: Any])?["task"] as? [Int] == [1])
    }
  }
}
