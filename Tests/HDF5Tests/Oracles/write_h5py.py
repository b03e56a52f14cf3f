"""Writes a file with h5py for Strata to read: several dtypes (one big-endian, one fixed-length
string, one type Strata does not read), attributes, groups (one with creation order tracked).
The values are mirrored in OracleTests.swift. Usage: write_h5py.py FILE"""
import sys

try:
    import h5py
    import numpy as np
except ImportError as error:
    print(f"missing Python module {error.name}: run scripts/install-deps", file=sys.stderr)
    sys.exit(3)


def main(path):
    with h5py.File(path, "w") as f:
        f.attrs["title"] = "written by h5py"
        f.attrs["version"] = np.int32(3)
        f.attrs["scales"] = np.array([0.5, 1.5])
        f["float32_2d"] = (np.arange(12, dtype="<f4") / 4).reshape(3, 4)
        f["float64_1d"] = np.linspace(-1, 1, 5)
        f["int32_3d"] = np.arange(24, dtype="<i4").reshape(2, 3, 4) - 12
        f["int64_scalar"] = np.int64(-9007199254740993)
        f["uint8_1d"] = np.array([0, 1, 127, 255], dtype="u1")
        f["big_endian"] = np.arange(4, dtype=">f8") * 1.5
        f.create_dataset("names", data=["stem", "stage1.block1", "ünï"], dtype=h5py.string_dtype())
        f["fixed"] = np.array([b"ab", b"cde"], dtype="S3")
        f["int16"] = np.arange(3, dtype="<i2")
        group = f.create_group("g")
        values = group.create_dataset("values", data=np.arange(10.0), chunks=(5,), compression="gzip")
        values.attrs["units"] = "m"
        ordered = f.create_group("ordered", track_order=True)
        for name in ["z", "a", "m"]:
            ordered.create_group(name)


main(sys.argv[1])
