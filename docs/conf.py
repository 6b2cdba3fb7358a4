"""Sphinx configuration for the skmtl documentation.

Build (warnings are errors) from the repository root::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Add ``-D plot_gallery=0`` to render the example gallery without running the
examples. Cross-links to Python, NumPy, scikit-learn, PyTorch and skorch need
network access at build time, so they are only enabled with
``SKMTL_DOCS_INTERSPHINX=1``.
"""

import importlib.util
import os
import sys
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parent
REPO_ROOT = DOCS_DIR.parent

# autodoc imports the package from this checkout, installed or not.
sys.path.insert(0, str(REPO_ROOT))


def _read_version():
    # Read the version from its own file so that it does not depend on the package
    # (and torch) importing cleanly.
    spec = importlib.util.spec_from_file_location(
        "_skmtl_version", REPO_ROOT / "skmtl" / "_version.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.__version__


# -- Project information -------------------------------------------------------

project = "skmtl"
author = "The skmtl developers"
copyright = "The skmtl developers"
release = _read_version()
version = ".".join(release.split(".")[:2])

# -- General configuration -----------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
root_doc = "index"
default_role = "literal"

# -- autodoc / autosummary / numpydoc ------------------------------------------

autosummary_generate = True
autodoc_typehints = "none"
autodoc_member_order = "groupwise"

# The class template lists the members itself (see _templates/autosummary), so
# numpydoc must not add a second member table.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# numpydoc drops a section it does not know ("Example", "Return", ...) with only a
# Python warning, which -W does not see; validation turns it into a build error.
numpydoc_validation_checks = {"GL06"}

# -- intersphinx ---------------------------------------------------------------

# Fetching inventories needs the network; the default build stays offline.
if os.environ.get("SKMTL_DOCS_INTERSPHINX") == "1":
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable/", None),
        "sklearn": ("https://scikit-learn.org/stable/", None),
        "torch": ("https://docs.pytorch.org/docs/stable/", None),
        "skorch": ("https://skorch.readthedocs.io/en/stable/", None),
    }
else:
    intersphinx_mapping = {}

# -- sphinx-gallery ------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    # Each API page lists the examples that use it (`minigallery` in the
    # autosummary templates reads these backreferences).
    "backreferences_dir": "generated/backreferences",
    "doc_module": ("skmtl",),
    "reference_url": {"skmtl": None},
    "download_all_examples": False,
    "remove_config_comments": True,
}

# -- HTML output ---------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skmtl {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}

# -- Hooks ---------------------------------------------------------------------


def _skip_foreign_members(app, what, name, obj, skip, options):
    # Methods that the estimators inherit unchanged from scikit-learn (get_params,
    # set_output, the metadata-routing set_*_request, ...) are documented by
    # scikit-learn; their docstrings refer to labels of its documentation and
    # would break a -W build. Plugins are torch modules: nn.Module's own methods
    # are excluded by the class template, this also catches what it might miss.
    if what != "class" or skip:
        return None
    func = getattr(obj, "fget", obj)
    func = getattr(func, "__func__", func)
    module = getattr(func, "__module__", None) or ""
    if module.split(".")[0] in {"sklearn", "torch"}:
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_members)
