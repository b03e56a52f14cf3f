#!/usr/bin/python3
"""Breaks a Strata HDF5 file as a person editing it with h5py might, for the bad-input tests.
Debian's /usr/bin/python3 (python3-h5py, numpy).

    break_h5.py FILE OPERATION...

Operations, applied in order (OBJECT is a path inside the file, / for the root):
    delete:OBJECT                   unlink a dataset or group
    delattr:OBJECT:NAME             remove an attribute
    setattr:OBJECT:NAME:JSON        set an attribute to a JSON value
    replace:OBJECT:JSON             replace a dataset by one holding a JSON value
JSON values: numbers, strings (stored as variable-length UTF-8), lists of them (arrays; nested
lists give more axes), or {"int32": value} / {"float32": value} for another element type.
"""
import json
import sys

try:
    import h5py
    import numpy as np
except ModuleNotFoundError as error:
    print(f"ModuleNotFoundError: {error}", file=sys.stderr)
    sys.exit(3)


def array(value):
    if isinstance(value, dict):
        (dtype, inner), = value.items()
        return np.array(inner, dtype=dtype)
    result = np.array(value)
    if result.dtype.kind == "U":
        return np.array(value, dtype=h5py.string_dtype())
    return result


path, operations = sys.argv[1], sys.argv[2:]
with h5py.File(path, "r+") as f:
    for operation in operations:
        action, rest = operation.split(":", 1)
        if action == "delete":
            del f[rest]
        elif action == "delattr":
            target, name = rest.rsplit(":", 1)
            del f[target].attrs[name]
        elif action == "setattr":
            target, name, value = rest.split(":", 2)
            f[target].attrs[name] = array(json.loads(value))
        elif action == "replace":
            target, value = rest.split(":", 1)
            if target in f:
                del f[target]
            f[target] = array(json.loads(value))
        else:
            sys.exit(f"unknown operation {operation}")
