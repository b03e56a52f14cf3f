import HDF5
import NN

// Module state <-> HDF5 lives here, not in NN: NN owns the state value and its checked load
// (names, shapes), Recording owns every file layout Strata writes (atomic replace, attributes),
// and a checkpoint also holds CIL's memory and results, which NN cannot see.

extension HDF5Group {
  /// One float32 dataset per array, named by its dotted name (`stage2.block3.conv1.weight`),
  /// flat in this group, in order: `{k: v[()] for k, v in group.items()}` is a state dict.
  func writeArrays(_ arrays: [NamedArray]) throws {
    for array in arrays {
      try createDataset(array.name, values: array.values, shape: array.shape)
    }
  }

  /// Every dataset of this group as a named float32 array, in creation order.
  func readArrays() throws -> [NamedArray] {
    try childNames().map { name in
      let dataset = try openDataset(name)
      let shape = try dataset.shape()
      let values: [Float] = try dataset.read()
      return NamedArray(name: name, shape: shape, values: values)
    }
  }
}
