import Foundation
import HDF5
import Testing
@testable import Pipeline
@testable import Recording

/// `--cka-matrix`: the probe file gains cka_matrix_old/new over (task, block_a, block_b), whose
/// diagonals are cka_old/new, and xarray labels both block axes.
@Suite struct CKAMatrixRecordingTests {
  @Test func recordedWithLabelledBlockAxes() throws {
    try ProbeRecorderTests.withDirectory { directory in
      let (run, recorder) = try ProbeRecorderTests.probeRun(ckaMatrix: true, in: directory)
      _ = try run.run()
      let path = recorder.file.path
      let blocks = recorder.blocks, n = blocks.count
      let tasks = try recorder.file.tasks().count
      for (matrixName, diagonalName) in [("cka_matrix_old", "cka_old"), ("cka_matrix_new", "cka_new")] {
        let matrix = try ProbeRecorderTests.read(path, matrixName)
        let diagonal = try ProbeRecorderTests.read(path, diagonalName)
        #expect(matrix.count == tasks * n * n)
        for t in 0..<tasks {
          for b in 0..<n {
            let (m, d) = (matrix[t * n * n + b * n + b], diagonal[t * n + b])
            #expect(m.bitPattern == d.bitPattern, "\(matrixName)[\(t), \(b), \(b)] = \(m), \(diagonalName) \(d)")
          }
        }
      }
      let xarray = try #require(ProbeFileTests.readWithPython(path)["xarray"] as? [String: Any])
      #expect(xarray["cka_matrix_old_dims"] as? [String] == ["task", "block_a", "block_b"])
      #expect(xarray["block_a"] as? [String] == blocks && xarray["block_b"] as? [String] == blocks)
    }
  }

  /// A file made without the matrix refuses a task that brings one, and the other way round.
  @Test func aMatrixMustMatchTheFile() throws {
    try ProbeFileTests.withProbeFile { file in
      var task = ProbeFileTests.task(2, epochs: 1)
      let blocks = task.ckaOld.count
      task.ckaMatrixOld = Array(repeating: task.ckaOld, count: blocks)
      task.ckaMatrixNew = task.ckaMatrixOld
      #expect(throws: RecordingError.self) { try file.append(task) }
      let recorded = try file.tasks()
      #expect(recorded == [1], "the refused task was written")
    }
  }
}
