/// Which part of a data set: the training images or the held-out test (validation) images.
public enum DataSplit: String, Sendable, CaseIterable {
  case train
  case test
}
