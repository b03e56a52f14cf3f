#!/usr/bin/python3
"""Builds the notebooks from the plain scripts, so the two never drift apart: each notebook is
its script's docstring, a cell naming the run folder (environment variable STRATA_RUN, default
runs/quickstart) and the figure folder (STRATA_FIGURES, default RUN/figures), the script's
functions, and one call. Run with Debian's /usr/bin/python3 (python3-nbformat):

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
        nbformat.v4.new_code_cell(
            "import os\n"
            'RUN = os.environ.get("STRATA_RUN", "runs/quickstart")\n'
            'OUT = os.environ.get("STRATA_FIGURES", os.path.join(RUN, "figures"))'),
        nbformat.v4.new_code_cell(body),
        nbformat.v4.new_code_cell(f'figures(os.path.join(RUN, "{data}"), OUT)'),
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
