import Foundation
import HDF5
import Testing
@testable import Recording

/// Reading a probe file back gives what was appended, and bad files are errors naming them.
@Suite struct ProbeFileReadingTests {
  typealias F = ProbeFileTests

  @Test func readsWhatWasAppended() throws {
    try F.withProbeFile { file in
      try file.append(F.task(2, epochs: 1))
      let record = try ProbeFile.open(file.path).read()
      #expect(record.blocks == F.blocks && record.tasks == [1, 2])
      #expect(record.epochs == 2 && record.runTasks == 4)
      let written = [F.task(1, epochs: 2), F.task(2, epochs: 1)]
      #expect(record.gradientNorm[0] == written[0].gradientNorm)
      #expect(record.gradientNormNormalized[1][0] == written[1].gradientNormNormalized[0])
      #expect(record.gradientNorm[1][1].allSatisfy { $0.isNaN }, "task 2 ran one epoch of two")
      #expect(record.epochShift[0] == written[0].epochShift)
      #expect(record.shift[1] == written[1].shift.map(\.relative))
      #expect(record.cosineDistance[0] == written[0].shift.map(\.cosineDistance))
      #expect(record.statisticsShift[0][0] == 0.5 && record.statisticsShift[0][2].isNaN)
      #expect(record.ckaOld[0][0] == 0.9 && record.ckaOld[0][2].isNaN)
      #expect(record.ckaOldNote[0] == ["", "", "the second representation has no variance"])
      #expect(record.ckaNew[1] == written[1].ckaNew.map(\.value))
      #expect(record.ckaNewNote[1] == ["", "", ""])
      #expect(record.accuracy[1].prefix(3) == [0.9, 0.8, 0.7] && record.accuracy[1][3].isNaN)
      #expect(record.provenance == F.provenance)
    }
  }

  @Test func badFilesAreErrorsNamingThem() throws {
    let directory = try F.scratch()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let missing = directory + "/missing.h5"
    let absent = try #require(throws: RecordingError.self) { try ProbeFile.open(missing) }
    #expect(absent.description == "\(missing): no such probe file")

    let garbage = directory + "/garbage.h5"
    try Data("not hdf5".utf8).write(to: URL(fileURLWithPath: garbage))
    let unreadable = try #require(throws: RecordingError.self) {
      try ProbeFile.open(garbage).read()
    }
    #expect(unreadable.description.hasPrefix("\(garbage): not a readable HDF5 file"))

    // An HDF5 file with a task axis but nothing else is not a probe file.
    let partial = directory + "/partial.h5"
    let file = try HDF5File.create(partial)
    try file.root.createCoordinate("task", values: [Int32(1)])
    try file.close()
    let incomplete = try #require(throws: RecordingError.self) {
      try ProbeFile.open(partial).read()
    }
    #expect(incomplete.description.hasPrefix("\(partial): no variable 'epoch'; not a Strata probe "
                                             + "file"))
  }
}
