"""Docstring sections shared by the loaders of the real data sets.

Each loader fills its docstring from :func:`loader_sections` (see
:func:`skmtl.utils._docstrings.fill_doc`).
"""

#: ``return_X_y``, the parameter of every loader.
RETURN_X_Y = """\
return_X_y : bool, default=False
    If True, return ``(data, target)`` instead of a Bunch."""


#: The error of the loaders of a data set with an official split.
SUBSET_RAISES = """\
Raises
------
ValueError
    When ``subset`` is not one of the three values."""


def loader_sections(
    *, files="file", read="file(s)", publications="publications", task_last=False
):
    """Return the docstring sections of a loader.

    Parameters
    ----------
    files : {"file", "files"}, default="file"
        What ``data_home`` holds.
    read : str, default="file(s)"
        What ``filenames`` lists.
    publications : {"publication", "publications"}, default="publications"
        What ``DESCR`` cites.
    task_last : bool, default=False
        Whether ``data`` ends with the task id (the long layout).

    Returns
    -------
    sections : dict
        ``data_home``, ``return_X_y``, ``subset_raises``, ``filenames_descr``
        (the last entries of the Bunch) and ``return_tuple``, for
        :func:`skmtl.utils._docstrings.fill_doc`.
    """
    data = (
        "``data`` (with the task id as its last column) and ``target``."
        if task_last
        else "``data`` and ``target`` as described above."
    )
    return {
        "data_home": f"""\
data_home : str or path-like, default=None
    The folder holding the {files}. If None, the ``SKMTL_DATA`` environment
    variable names it.""",
        "return_X_y": RETURN_X_Y,
        "subset_raises": SUBSET_RAISES,
        "filenames_descr": f"""\
filenames : list of str
    The {read} read.
DESCR : str
    Description of the data set, its origin and {publications}.""",
        "return_tuple": f"""\
(data, target) : tuple if ``return_X_y`` is True
    {data}""",
    }
