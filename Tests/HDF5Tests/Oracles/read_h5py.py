"""Dumps an HDF5 file as h5py sees it, as JSON on stdout: every group and dataset with dtype,
shape, storage, values and attributes. Numbers are printed as repr(float) / str(int) so the
Swift side compares them exactly. Usage: read_h5py.py FILE"""
import json
import sys

try:
    import h5py
    import numpy as np
except ImportError as error:
    print(f"missing Python module {error.name}: run scripts/install-deps", file=sys.stderr)
    sys.exit(3)


def text(x):
    if isinstance(x, bytes):
        return x.decode("utf-8")
    if isinstance(x, str):
        return x
    if isinstance(x, (float, np.floating)):
        return repr(float(x))
    return str(int(x))


def attributes(obj):
    out = {}
    for name in obj.attrs:
        attr_id = obj.attrs.get_id(name)
        value = obj.attrs[name]
        string_info = h5py.check_string_dtype(attr_id.dtype)
        kind = attr_id.get_type()
        out[name] = {
            "dtype": "str" if string_info else str(attr_id.dtype),
            "shape": list(attr_id.shape) if attr_id.shape is not None else None,
            "values": [text(v) for v in np.asarray(value, dtype=object).ravel()]
            if not isinstance(value, h5py.Empty) else [],
            "variableUTF8": bool(string_info) and kind.is_variable_str()
            and kind.get_cset() == h5py.h5t.CSET_UTF8,
        }
    return out


def main(path):
    objects = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            entry = {"attrs": attributes(obj)}
            if isinstance(obj, h5py.Group):
                entry["kind"] = "group"
                entry["children"] = list(obj.keys())
                entry["linkOrder"] = obj.id.get_create_plist().get_link_creation_order()
            else:
                entry["kind"] = "dataset"
                string = h5py.check_string_dtype(obj.dtype)
                entry["dtype"] = "str" if string else obj.dtype.str
                entry["shape"] = list(obj.shape)
                entry["maxshape"] = list(obj.maxshape)
                entry["chunks"] = list(obj.chunks) if obj.chunks else None
                entry["compression"] = obj.compression
                entry["compressionOpts"] = obj.compression_opts
                entry["shuffle"] = obj.shuffle
                data = obj.asstr()[()] if string else obj[()]
                entry["values"] = [text(v) for v in np.asarray(data, dtype=object).ravel()]
            objects["/" + name] = entry
        f.visititems(visit)
        root = f["/"].id.get_create_plist()
        json.dump({"rootAttrs": attributes(f), "rootChildren": list(f.keys()), "objects": objects,
                   # h5py 3.7 lists the root by name even when creation order is tracked, so
                   # the flags themselves are reported (1 tracked + 2 indexed).
                   "rootLinkOrder": root.get_link_creation_order(),
                   "rootAttrOrder": root.get_attr_creation_order()},
                  sys.stdout)


main(sys.argv[1])
