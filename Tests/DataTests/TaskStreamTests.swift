import Data
import Foundation
import Testing

@Suite struct TaskStreamTests {
  @Test func b0Inc10OnCIFAR100() {
    let stream = TaskStream(order: ClassOrder(classCount: 100), initialClasses: 10, increment: 10)
    #expect(stream.count == 10)
    #expect(stream.increments == Array(repeating: 10, count: 10))
    #expect(stream.tasks[3].classes == 30..<40)
    #expect(stream.tasks[3].seenClasses == 0..<40)
    #expect(stream.tasks[3].oldClasses == 0..<30)
    #expect(stream.originalClasses(stream.tasks[0].classes).prefix(8)
      == [68, 56, 78, 8, 23, 84, 90, 65])
  }

  @Test func b50Inc10() {
    let stream = TaskStream(order: ClassOrder(classCount: 100), initialClasses: 50, increment: 10)
    #expect(stream.count == 6)
    #expect(stream.increments == [50, 10, 10, 10, 10, 10])
    #expect(stream.tasks[5].classes == 90..<100)
  }

  @Test func leftoversFormALastTask() {
    let order = ClassOrder(classCount: 10, shuffle: false)
    #expect(TaskStream(order: order, initialClasses: 4, increment: 4).increments == [4, 4, 2])
    #expect(TaskStream(order: order, initialClasses: 5, increment: 5).increments == [5, 5])
    #expect(TaskStream(order: order, initialClasses: 10, increment: 3).increments == [10])
    #expect(TaskStream(order: order, initialClasses: 1, increment: 3).increments == [1, 3, 3, 3])
  }

  @Test func trainingAndTestIndices() {
    // Order [2, 0, 1]: task 0 is original class 2, task 1 classes 0 and 1.
    let stream = TaskStream(order: ClassOrder(order: [2, 0, 1]), initialClasses: 1, increment: 2)
    let labels: [Int32] = [0, 1, 2, 2, 0, 1]
    #expect(stream.trainingIndices(task: 0, labels: labels) == [2, 3])
    #expect(stream.trainingIndices(task: 1, labels: labels, exemplars: [3]) == [0, 1, 4, 5, 3])
    #expect(stream.testIndices(task: 0, labels: labels) == [2, 3])
    #expect(stream.testIndices(task: 1, labels: labels) == [0, 1, 2, 3, 4, 5])
  }

  /// The probe set equals numpy's `np.sort(rs.choice(idx_c, n, replace=False))` class by class.
  @Test func probeSetMatchesNumpy() throws {
    let labels: [Int32] = (0..<200).map { Int32(($0 * 37 + $0 / 7) % 5) }
    let probe = ProbeSet(labels: labels, classCount: 5, perClass: 6, seed: 77)
    let expected = try Python.integers("""
      import sys, numpy as np
      labels = np.array([int(x) for x in sys.argv[1].split(',')])
      rs = np.random.RandomState(77)
      for c in range(5):
          chosen = rs.choice(np.flatnonzero(labels == c), 6, replace=False)
          print(' '.join(map(str, np.sort(chosen))))
      """, [labels.map(String.init).joined(separator: ",")])
    #expect(probe.indicesByClass.flatMap { $0 } == expected)
    #expect(probe.indicesByClass.allSatisfy { $0.count == 6 })
    for (c, members) in probe.indicesByClass.enumerated() {
      #expect(members.allSatisfy { labels[$0] == Int32(c) })
    }

    let stream = TaskStream(order: ClassOrder(order: [3, 1, 4, 0, 2]), initialClasses: 2,
      increment: 2)
    let (old, new) = stream.probeIndices(task: 1, probe: probe)
    #expect(old == probe.indicesByClass[3] + probe.indicesByClass[1])
    #expect(new == probe.indicesByClass[4] + probe.indicesByClass[0])
  }
}
