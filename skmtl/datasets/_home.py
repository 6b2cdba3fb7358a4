"""Where the real data files live, and the errors when they are not there.

The loaders never download anything. They read files that the user has put in a
folder: the ``data_home`` argument, else the folder named by the ``SKMTL_DATA``
environment variable. Each data set can be read from its published file(s) or
from the skmtl shared copy; a loader lists the alternatives as *options*, each
a group of file names that must all be present, and takes the first complete
one.
"""

import os
from pathlib import Path

ENV_VAR = "SKMTL_DATA"


def get_data_home(data_home=None):
    """Return the folder that holds the real data files.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder. If None, the value of the ``SKMTL_DATA`` environment variable
        is used.

    Returns
    -------
    data_home : pathlib.Path or None
        The folder, with ``~`` expanded, or None when neither ``data_home`` nor
        ``SKMTL_DATA`` is set.
    """
    if data_home is None:
        data_home = os.environ.get(ENV_VAR) or None
    if data_home is None:
        return None
    return Path(data_home).expanduser()


def _describe_options(options):
    """Render file options as ``'a' and 'b' (what), or 'c' (what)``."""
    parts = []
    for files, what in options:
        names = " and ".join(repr(name) for name in files)
        parts.append(f"{names} ({what})")
    return ", or ".join(parts)


def find_data_files(dataset, options, *, data_home=None, published=""):
    """Return the paths of the first complete group of files found.

    Parameters
    ----------
    dataset : str
        The data set's name, for error messages.
    options : list of (tuple of str, str)
        The alternatives in order of preference: the file names (relative to the
        data folder) that must all be present, and a short description of them.
    data_home : str or path-like, default=None
        The data folder; see :func:`get_data_home`.
    published : str, default=""
        Where the published files can be obtained, for error messages.

    Returns
    -------
    paths : list of pathlib.Path
        The paths of the chosen option's files, in the order given.
    index : int
        The position of the chosen option in ``options``.

    Raises
    ------
    FileNotFoundError
        When no data folder is set, the folder does not exist, or no option is
        complete in it. The message names the files needed, the folder searched
        and where the data is published.
    """
    needed = _describe_options(options)
    where = f" The data is published at {published}." if published else ""
    home = get_data_home(data_home)
    if home is None:
        raise FileNotFoundError(
            f"No data folder for the {dataset} data set: pass data_home= or set "
            f"the {ENV_VAR} environment variable to a folder holding {needed}."
            f"{where} skmtl never downloads data."
        )
    if not home.is_dir():
        raise FileNotFoundError(
            f"The data folder {str(home)!r} for the {dataset} data set does not "
            f"exist. It should hold {needed}.{where}"
        )
    for index, (files, _) in enumerate(options):
        paths = [home / name for name in files]
        if all(path.is_file() for path in paths):
            return paths, index
    found = "none of these is" if len(options) > 1 else "it is not"
    raise FileNotFoundError(
        f"The {dataset} data set needs {needed}, but {found} in {str(home)!r}."
        f"{where} skmtl never downloads data: put the file(s) in that folder, or "
        f"point data_home= or {ENV_VAR} to where they are."
    )


#: The values of ``subset``, for the data sets with an official split.
SUBSETS = ("train", "test", "all")


def check_subset(subset):
    """Raise a ValueError unless ``subset`` is one of :data:`SUBSETS`."""
    if subset not in SUBSETS:
        raise ValueError(f"subset={subset!r} is not one of {list(SUBSETS)}.")


def import_pandas(loader):
    """Import pandas, or say that ``as_frame=True`` needs it.

    Parameters
    ----------
    loader : str
        The name of the loader asking, for the error message.

    Returns
    -------
    pandas : module
        The pandas module.

    Raises
    ------
    ImportError
        When pandas is not installed.
    """
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(
            f"{loader}(as_frame=True) needs pandas, which is not installed: "
            "pip install pandas (or pip install skmtl[pandas])."
        ) from exc
    return pandas
