import CIL
import Testing

@Suite struct AccuracyMatrixTests {
  /// Three tasks with hand-computed summaries.
  @Test func summaries() {
    var m = AccuracyMatrix(taskCount: 3)
    #expect(m.averageIncrementalAccuracy.isNaN && m.forgetting.isNaN)
    m.append(perTask: [0.9], total: 0.9)
    #expect(m.forgetting.isNaN)
    m.append(perTask: [0.6, 0.8], total: 0.7)
    #expect(abs(m.forgetting - 0.3) < 1e-12)
    m.append(perTask: [0.5, 0.4, 0.9], total: 0.6)
    #expect(m.values[0][0] == 0.9 && m.values[1][1] == 0.8)
    #expect(m.values[0][1].isNaN && m.values[1][2].isNaN)
    #expect(abs(m.averageIncrementalAccuracy - (0.9 + 0.7 + 0.6) / 3) < 1e-12)
    #expect(m.lastAccuracy == 0.6)
    // Task 0: max(0.9, 0.6, 0.5) − 0.5 = 0.4; task 1: max(0.8, 0.4) − 0.4 = 0.4.
    #expect(abs(m.forgetting - 0.4) < 1e-12)
    #expect(m.tasksSeen == 3)
  }

  @Test func taskAccuracyGroupsByTask() {
    let a = TaskAccuracy(predictions: [0, 1, 1, 3, 2, 0], labels: [0, 1, 2, 3, 2, 1],
                         tasks: [0..<2, 2..<4])
    #expect(a.perTask == [2.0 / 3, 2.0 / 3])
    #expect(a.total == 4.0 / 6)
    let missing = TaskAccuracy(predictions: [0], labels: [0], tasks: [0..<2, 2..<4])
    #expect(missing.perTask[0] == 1 && missing.perTask[1].isNaN)
  }
}

@Suite struct AccuracyMemoryCurveTests {
  /// Points given out of order, 1 MB and 3 MB apart: (1·(0.5+0.6) + 3·(0.6+0.8)) / 2 = 2.65.
  @Test func trapezoidAreaInMegabytes() {
    let mb = 1_048_576
    let curve = AccuracyMemoryCurve([(4 * mb, 0.6), (3 * mb, 0.5), (7 * mb, 0.8)])
    #expect(curve.points.map(\.megabytes) == [3, 4, 7])
    #expect(abs(curve.area - 2.65) < 1e-12)
    #expect(AccuracyMemoryCurve([(mb, 0.5)]).area == 0)
    #expect(abs(AccuracyMemoryCurve([(24_684_160, 1)]).points[0].megabytes - 23.54) < 0.01)
  }
}
