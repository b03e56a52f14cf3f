#!/usr/bin/python3
"""Edits a Strata checkpoint as a person with h5py might break it, for RunCheckpointFileTests.
Debian's /usr/bin/python3 (python3-h5py).

    edit_checkpoint.py delete CHECKPOINT OBJECT     # e.g. memory/exemplar_index
"""
import sys

try:
    import h5py
except ModuleNotFoundError as error:
    print(f"ModuleNotFoundError: {error}", file=sys.stderr)
    sys.exit(3)

action, path, target = sys.argv[1:4]
if action != "delete":
    sys.exit(f"unknown action {action}")
with h5py.File(path, "r+") as f:
    del f[target]
