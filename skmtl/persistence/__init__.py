"""Safe persistence: save and load fitted estimators without pickle.

:func:`save` writes a safetensors file (weights and numeric arrays) with a JSON
description; :func:`load` reads it back without executing code from the file.
``safetensors`` is an optional dependency (``pip install skmtl[persist]``),
imported only when these functions are called.
"""

from skmtl.persistence._format import (
    FORMAT_VERSION,
    load,
    save,
    skops_trusted_types,
)

__all__ = ["FORMAT_VERSION", "load", "save", "skops_trusted_types"]
