"""Docstring sections written once and shared by several estimators.

A docstring names a shared section by a line holding only ``%(name)s``;
:func:`fill_doc` replaces that line with the section, indented like it. The
Regressor/Classifier twins share their parameter documentation this way, and
every estimator the documentation of the task layout.
"""

import inspect
import textwrap

#: ``task_column``, the parameter of every estimator.
TASK_COLUMN = """\
task_column : int or str, default=None
    Long layout: the column of ``X`` (position, or name for a DataFrame)
    holding each row's task id; ``y`` is then 1-D. None: wide layout."""

#: The task attributes every fitted estimator has.
TASK_ATTRIBUTES = """\
n_tasks_ : int
    Number of tasks.
task_names_ : list
    Task names: the columns of a DataFrame ``y``, the task ids in the long
    layout, else ``task_0, task_1, ...``.
n_features_in_ : int
    Number of columns of ``X`` seen in fit (including the task column).
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Column names of ``X``, when it is a DataFrame with string names."""

#: ``y`` of ``fit``: the labels, in either layout.
FIT_TARGETS = """\
y : array-like or DataFrame
    Wide layout: shape (n_samples, n_tasks), NaN (or None) for a missing
    label; a 1-D ``y`` is a single task. Long layout: 1-D, the label of
    each row for its own task."""

#: The Parameters section of a method that takes only the features.
FEATURES_PARAMETER = """\
Parameters
----------
X : array-like or DataFrame of shape (n_samples, n_features)
    Features (with the task column in the long layout)."""

#: The same, for a method that also takes a sparse ``X``.
SPARSE_FEATURES_PARAMETER = """\
Parameters
----------
X : array-like, sparse matrix or DataFrame of shape (n_samples, n_features)
    Features (with the task column in the long layout)."""

#: The Parameters section of a method that scores predictions against labels.
SCORE_PARAMETERS = """\
Parameters
----------
X : array-like or DataFrame of shape (n_samples, n_features)
    Features.
y : array-like
    True labels, in the layout used in ``fit``.
sample_weight : array-like of shape (n_samples,), default=None
    Sample weights."""

#: The sections of the task layout, for :func:`fill_doc`.
LAYOUT_SECTIONS = {"task_column": TASK_COLUMN, "task_attributes": TASK_ATTRIBUTES}


def fill_doc(**sections):
    """Return a decorator filling the ``%(name)s`` lines of docstrings.

    Parameters
    ----------
    **sections : str
        Section name -> text, written without indentation.

    Returns
    -------
    decorator : callable
        Replaces each line of the decorated class's or function's docstring
        that holds only ``%(name)s`` with ``sections[name]``, indented like the
        line; a name without a section is an error. A class's own methods have
        their docstrings filled too (those under ``available_if`` included), so
        one decorator serves the whole class.
    """

    def decorate(obj):
        obj.__doc__ = _filled(obj.__doc__, sections, obj.__name__)
        if isinstance(obj, type):
            for name, member in vars(obj).items():
                # available_if keeps the method in ``fn`` and copies its docstring.
                method = getattr(member, "fn", member)
                if inspect.isfunction(method) and "%(" in (method.__doc__ or ""):
                    method.__doc__ = _filled(
                        method.__doc__, sections, f"{obj.__name__}.{name}"
                    )
                    member.__doc__ = method.__doc__
        return obj

    return decorate


def _filled(doc, sections, owner):
    """Return ``doc`` with its ``%(name)s`` lines replaced by their sections."""
    lines = []
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped.startswith("%(") and stripped.endswith(")s"):
            name = stripped[2:-2]
            if name not in sections:
                raise KeyError(f"{owner}'s docstring names no section {name!r}.")
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(textwrap.indent(sections[name], indent))
        else:
            lines.append(line)
    return "\n".join(lines)
