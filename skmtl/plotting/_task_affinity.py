"""Heatmap of the task affinity a fitted estimator measured."""

from skmtl.plotting._task_similarity import plot_task_similarity

_TITLES = {
    "gradient": "Gradient cosine similarity",
    "lookahead": "Lookahead affinity (row: task stepped on)",
}


def plot_task_affinity(estimator, kind="lookahead", *, ax=None, **kwargs):
    """Draw the task affinity measured by a fitted estimator as a heatmap.

    Parameters
    ----------
    estimator : fitted estimator
        A neural estimator fitted with ``task_affinity`` set (it has
        ``<kind>_affinity_``), or a task-grouping estimator (it has
        ``affinity_``; ``kind`` is then ignored).
    kind : {"lookahead", "gradient"}, default="lookahead"
        Which measure to draw.
    ax : matplotlib Axes, default=None
        Axes to draw on; None creates a new figure.
    **kwargs
        Passed to :func:`~skmtl.plotting.plot_task_similarity` (``annotate``,
        ``fmt``, ``cmap``, ``vmin``, ``vmax``, ``colorbar``, ``title``).

    Returns
    -------
    ax : matplotlib Axes
        The Axes holding the image.

    Raises
    ------
    ValueError
        If the estimator did not measure ``kind``.

    See Also
    --------
    plot_task_similarity : The heatmap this function draws with.
    """
    if hasattr(estimator, "affinity_"):
        matrix = estimator.affinity_
        kind = getattr(estimator, "affinity", kind)
    else:
        attribute = f"{kind}_affinity_"
        if not hasattr(estimator, attribute):
            raise ValueError(
                f"{type(estimator).__name__} has no {attribute}: fit it with "
                f"task_affinity={kind!r} or 'both' to measure it."
            )
        matrix = getattr(estimator, attribute)
    kwargs.setdefault("title", _TITLES.get(kind, "Task affinity"))
    if kind == "lookahead":
        kwargs.setdefault("fmt", ".2g")
    return plot_task_similarity(
        matrix, names=list(estimator.task_names_), ax=ax, **kwargs
    )
