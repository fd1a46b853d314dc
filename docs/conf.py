"""Sphinx configuration of the ppa_core documentation site.

Build it with ``pip install -e '.[docs]'`` then
``sphinx-build -W --keep-going -b html docs docs/_build/html``. Every page is
Markdown (MyST); the notebooks under ``notebooks/`` are stored without outputs
and executed during the build, so their figures are the library's current
output. Nothing is fetched from the network, at build time or when reading.
"""

import pathlib
import sys

import ppa_core

sys.path.insert(0, str(pathlib.Path(__file__).parent / "_ext"))

project = "ppa_core"
author = "ppa_core developers"
copyright = "ppa_core developers"
release = ppa_core.__version__
version = release

extensions = [
    "myst_nb",  # Markdown pages (MyST) and executed notebooks
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",  # Google-style Args:/Returns:/Raises:
    "sphinx.ext.viewcode",
    "statediagram",  # docs/_ext: the lifecycle's ```mermaid block, drawn offline
]

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
html_theme = "furo"
html_title = f"ppa_core {release}"
html_static_path = ["_static"]
html_css_files = ["ppa-core.css"]  # wide result tables scroll, amounts do not wrap

# MyST: anchors for the pages' "#section" links, ```{directive} fences.
myst_heading_anchors = 3
myst_fence_as_directive = ["mermaid"]

# Notebooks run top to bottom on every build; an error in a cell fails it.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 180

# API reference: each object documented once, in the module that defines it.
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_typehints_format = "short"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_use_ivar = True  # "Attributes:" as fields: the members themselves are documented once
