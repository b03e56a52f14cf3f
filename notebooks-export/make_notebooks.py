#!/usr/bin/python3
"""Builds the notebooks from the plain scripts, so the two never drift apart: each notebook is
its script's docstring, a cell naming the run folder (environment variable STRATA_RUN, default
runs/quickstart) and the figure folder (STRATA_FIGURES, default RUN/figures), the script's
functions, and one call that saves the figures and shows them inline. Relative paths are read
from the folder the command was started in (the shell's PWD: jupyter runs the kernel in the
notebook's own folder), else from the repository root, so the README's command works from the
repository root:

    STRATA_RUN=runs/quickstart jupyter nbconvert --to notebook --execute notebooks-export/probes.ipynb

Run with Debian's /usr/bin/python3 (python3-nbformat):

    /usr/bin/python3 notebooks-export/make_notebooks.py          # rewrite the .ipynb files
    /usr/bin/python3 notebooks-export/make_notebooks.py --check  # exit 1 if they are stale
"""
import ast
import os
import sys

import nbformat

HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOKS = {"probes.ipynb": ("plot_probes.py", "probes.h5"),
             "verify.ipynb": ("plot_verify.py", "verify.h5")}


# The notebook's first code cell: where the run folder and the figures are.
SETUP = """import os

# jupyter runs the kernel in the notebook's folder; a relative path means the folder the
# command was started in (PWD, set by the shell), else the repository root.
STARTED_IN = os.environ.get("PWD") or os.path.dirname(os.getcwd())
REPOSITORY = os.path.dirname(os.getcwd())


def resolve(path):
    if os.path.isabs(path):
        return path
    for base in (STARTED_IN, REPOSITORY):
        if os.path.exists(os.path.join(base, path)):
            return os.path.join(base, path)
    return os.path.join(STARTED_IN, path)


RUN = resolve(os.environ.get("STRATA_RUN", "runs/quickstart"))
if not os.path.isdir(RUN):
    raise FileNotFoundError(f"{RUN}: no such run folder; set STRATA_RUN to the folder strata run wrote")
OUT = resolve(os.environ["STRATA_FIGURES"]) if "STRATA_FIGURES" in os.environ else os.path.join(RUN, "figures")
print(f"run folder {RUN}; figures into {OUT}")"""


def notebook(script, data):
    source = open(os.path.join(HERE, script)).read()
    docstring = ast.get_docstring(ast.parse(source))
    body = source.split('"""', 2)[2].split("\ndef main():")[0].strip()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {script}\n\n" + docstring.replace(
            f"notebooks-export/{script}", f"notebooks-export/{script}")),
        nbformat.v4.new_code_cell(SETUP),
        nbformat.v4.new_code_cell(body),
        nbformat.v4.new_code_cell(
            "from IPython.display import Image, display\n"
            f'for path in figures(os.path.join(RUN, "{data}"), OUT):\n'
            "    print(path)\n"
            "    display(Image(filename=path))"),
    ]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"  # stable ids: regenerating changes nothing
    return nbformat.writes(nb)


def main():
    stale = []
    for name, (script, data) in NOTEBOOKS.items():
        path = os.path.join(HERE, name)
        text = notebook(script, data)
        current = open(path).read() if os.path.exists(path) else None
        if current != text:
            stale.append(name)
            if "--check" not in sys.argv:
                with open(path, "w") as f:
                    f.write(text)
    if "--check" in sys.argv and stale:
        sys.exit(f"stale notebooks (run make_notebooks.py): {', '.join(stale)}")


if __name__ == "__main__":
    main()
