"""Heatmap of a task-by-task matrix, e.g. a learned task similarity."""

import numpy as np

from skmtl.plotting._matplotlib import axes_or_new, pyplot, slant_crowded_labels


def plot_task_similarity(
    matrix,
    names=None,
    *,
    ax=None,
    annotate=True,
    fmt=".2f",
    cmap=None,
    vmin=None,
    vmax=None,
    colorbar=True,
    title="Task similarity",
):
    """Draw a square task-by-task matrix as an annotated heatmap.

    Made for the matrices of :meth:`~skmtl.MultiTaskRegressor.sharing_summary`,
    such as ``"task_similarity"`` (cosine similarity of the soft-sharing
    towers) and ``"tower_distance"``, or one layer of the cross-stitch
    ``"stitch_matrices"``; any square matrix indexed by task works.

    Parameters
    ----------
    matrix : array-like or DataFrame of shape (n_tasks, n_tasks)
        The values; row ``i``, column ``j`` relates task ``i`` to task ``j``.
        NaN cells are left blank.
    names : sequence of length n_tasks, default=None
        Task names for the tick labels, e.g. the estimator's ``task_names_``.
        None uses the index of a DataFrame ``matrix``, else ``0 .. n_tasks - 1``.
    ax : matplotlib Axes, default=None
        Axes to draw on; None creates a new figure.
    annotate : bool, default=True
        Write each cell's value in it.
    fmt : str, default=".2f"
        Format specification of the annotations.
    cmap : str or Colormap, default=None
        Colormap. None picks ``"RdBu_r"`` centred on 0 when the matrix has
        negative values (e.g. cosine similarities), else ``"viridis"``.
    vmin, vmax : float, default=None
        Limits of the colour scale; None derives them from the data (symmetric
        around 0 for the diverging default).
    colorbar : bool, default=True
        Add a colorbar next to the Axes.
    title : str or None, default="Task similarity"
        Title of the Axes; None leaves it unset.

    Returns
    -------
    ax : matplotlib Axes
        The Axes holding the image (``ax.images[0]``).

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    ValueError
        If ``matrix`` is not a square 2-D numeric array, or ``names`` does not
        have one name per row.

    See Also
    --------
    skmtl.MultiTaskRegressor.sharing_summary : Where such matrices come from.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skmtl.plotting import plot_task_similarity
    >>> ax = plot_task_similarity([[1.0, 0.3], [0.3, 1.0]], names=["a", "b"])
    >>> [label.get_text() for label in ax.get_xticklabels()]
    ['a', 'b']
    """
    pyplot()
    values, names = _check_matrix(matrix, names)
    n_tasks = values.shape[0]
    finite = values[np.isfinite(values)]
    if cmap is None:
        diverging = finite.size > 0 and finite.min() < 0
        cmap = "RdBu_r" if diverging else "viridis"
        if diverging:
            bound = float(np.abs(finite).max())
            vmin = -bound if vmin is None else vmin
            vmax = bound if vmax is None else vmax

    ax = axes_or_new(ax)
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=vmin, vmax=vmax)
    ticks = np.arange(n_tasks)
    labels = [str(name) for name in names]
    ax.set_xticks(ticks, labels)
    ax.set_yticks(ticks, labels)
    slant_crowded_labels(ax)
    if annotate:
        for i in range(n_tasks):
            for j in range(n_tasks):
                value = values[i, j]
                if not np.isfinite(value):
                    continue
                ax.text(
                    j,
                    i,
                    format(value, fmt),
                    ha="center",
                    va="center",
                    fontsize="small",
                    color=_text_colour(image.cmap(image.norm(value))),
                )
    if colorbar:
        ax.figure.colorbar(image, ax=ax)
    if title is not None:
        ax.set_title(title)
    return ax


def _check_matrix(matrix, names):
    """Return the matrix as a square float array and its ``n_tasks`` names."""
    if names is None and hasattr(matrix, "index") and hasattr(matrix, "columns"):
        names = list(matrix.index)
    try:
        values = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"matrix must be a numeric square array, got {type(matrix).__name__} "
            f"that does not convert to float: {error}"
        ) from error
    if values.ndim != 2 or values.shape[0] != values.shape[1]:
        raise ValueError(
            f"matrix must be square, of shape (n_tasks, n_tasks); got shape "
            f"{values.shape}."
        )
    if values.shape[0] == 0:
        raise ValueError("matrix is empty; expected at least one task.")
    if names is None:
        names = list(range(values.shape[0]))
    elif isinstance(names, str):
        raise ValueError(f"names must be a sequence of task names, got {names!r}.")
    names = list(names)
    if len(names) != values.shape[0]:
        raise ValueError(
            f"names has {len(names)} entries {names} for a matrix of "
            f"{values.shape[0]} tasks; give one name per row."
        )
    return values, names


def _text_colour(rgba):
    """Return black or white, whichever reads better on the colour ``rgba``."""
    red, green, blue = rgba[:3]
    luminance = 0.299 * red + 0.587 * green + 0.114 * blue
    return "black" if luminance > 0.5 else "white"
