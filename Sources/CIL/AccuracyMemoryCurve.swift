/// Accuracy against total memory over a grid of budgets, and the area under it (MEMO, Zhou et
/// al., ICLR 2023, §5: AUC-A and AUC-L, from the average or the last accuracy at each budget).
/// Memory is in MB as the paper reports it (2^20 bytes: DER's CIFAR-100 budget of 24,684,160
/// bytes is its 23.5 MB) and accuracy a fraction; the area is the trapezoid rule over the
/// points sorted by memory.
public struct AccuracyMemoryCurve: Sendable, Equatable {
  public static let bytesPerMB = 1_048_576.0

  /// (memory in MB, accuracy), by increasing memory.
  public let points: [(megabytes: Double, accuracy: Double)]

  /// One point per budget: its total bytes and the accuracy reached there.
  public init(_ points: [(bytes: Int, accuracy: Double)]) {
    self.points = points.map { (Double($0.bytes) / Self.bytesPerMB, $0.accuracy) }
      .sorted { $0.0 < $1.0 }
  }

  /// Trapezoid area in MB × accuracy; 0 with fewer than two points.
  public var area: Double {
    zip(points, points.dropFirst()).reduce(0) { sum, pair in
      sum + (pair.1.megabytes - pair.0.megabytes) * (pair.0.accuracy + pair.1.accuracy) / 2
    }
  }

  public static func == (a: Self, b: Self) -> Bool {
    a.points.elementsEqual(b.points) { $0.megabytes == $1.megabytes && $0.accuracy == $1.accuracy }
  }
}
