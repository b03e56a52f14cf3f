#!/usr/bin/python3
"""Prints the byte offset and size of a dataset's first chunk, for the bad-input test that
corrupts it. Debian's /usr/bin/python3 (python3-h5py).

    chunk_offset.py FILE DATASET
"""
import sys

try:
    import h5py
except ModuleNotFoundError as error:
    print(f"ModuleNotFoundError: {error}", file=sys.stderr)
    sys.exit(3)

with h5py.File(sys.argv[1], "r") as f:
    info = f[sys.argv[2]].id.get_chunk_info(0)
    print(info.byte_offset, info.size)
