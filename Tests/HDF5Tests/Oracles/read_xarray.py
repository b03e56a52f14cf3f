"""Opens a file with xarray's h5netcdf engine, as a netCDF-4 reader does, and prints JSON:
dimension sizes, the unlimited dimensions, and every variable's dimensions, values and
attributes. Usage: read_xarray.py FILE"""
import json
import sys

try:
    import numpy as np
    import xarray
    import h5netcdf  # noqa: F401 (the engine)
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


def main(path):
    with xarray.open_dataset(path, engine="h5netcdf") as ds:
        variables = {}
        for name, variable in ds.variables.items():
            variables[name] = {
                "dims": list(variable.dims),
                "isCoordinate": name in ds.coords,
                "values": [text(v) for v in np.asarray(variable.values, dtype=object).ravel()],
                "attrs": {k: text(v) for k, v in variable.attrs.items()},
            }
        json.dump({
            "sizes": {k: int(v) for k, v in ds.sizes.items()},
            "unlimited": sorted(ds.encoding.get("unlimited_dims", [])),
            "attrs": {k: text(v) for k, v in ds.attrs.items()},
            "variables": variables,
        }, sys.stdout)


main(sys.argv[1])
