extension IncrementalDataset {
  /// Refuses a data set where a split lacks a class (issue 24): a class with no training images
  /// trains nothing and keeps no exemplars, one with no test images gives a NaN accuracy, and
  /// both would pass silently. Names the split, the class and where the images come from.
  public func checkEveryClassPresent() throws {
    for (split, images) in [("train", train), ("test", test)] {
      let counts = images.indicesByClass().map(\.count)
      if let empty = counts.firstIndex(of: 0) {
        throw DataError.emptyClass(
          source: images.source, split: split, label: empty, name: images.classNames[empty],
          present: counts.filter { $0 > 0 }.count)
      }
    }
  }
}
