"""Import an optional dependency, or say which extra installs it."""

import importlib


def import_optional(name, feature, extra):
    """Return the module ``name``, or raise an ImportError naming the extra.

    Parameters
    ----------
    name : str
        The module to import, e.g. ``"safetensors.numpy"``.
    feature : str
        What needs it, for the message (e.g. ``"skmtl.persistence.save"``).
    extra : str
        The skmtl extra that installs it (``pip install skmtl[<extra>]``).

    Returns
    -------
    module
        The imported module.

    Raises
    ------
    ImportError
        If the module cannot be imported.
    """
    try:
        return importlib.import_module(name)
    except ImportError as error:
        package = name.split(".")[0]
        raise ImportError(
            f"{feature} needs {package}, which is not installed: "
            f"pip install skmtl[{extra}]"
        ) from error
