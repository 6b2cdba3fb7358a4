"""The one place that imports matplotlib, an optional dependency of skmtl."""


def pyplot():
    """Return :mod:`matplotlib.pyplot`, or say how to install it.

    Returns
    -------
    module
        The :mod:`matplotlib.pyplot` module.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            "skmtl.plotting needs matplotlib, which is not installed: "
            "pip install skmtl[plot]"
        ) from error
    return plt


def axes_or_new(ax):
    """Return ``ax``, or the Axes of a new pyplot figure when ``ax`` is None.

    Parameters
    ----------
    ax : matplotlib Axes or None
        The Axes to draw on.

    Returns
    -------
    ax : matplotlib Axes
        ``ax`` itself, or a fresh one (constrained layout, so that slanted tick
        labels and legends are not clipped).
    """
    plt = pyplot()
    if ax is None:
        _, ax = plt.subplots(layout="constrained")
    return ax


def slant_crowded_labels(ax, max_characters=40):
    """Slant the x tick labels when, side by side, they would likely overlap.

    Parameters
    ----------
    ax : matplotlib Axes
        Axes whose x tick labels are set.
    max_characters : int, default=40
        Total length of the labels above which they are slanted.
    """
    labels = ax.get_xticklabels()
    if sum(len(label.get_text()) + 2 for label in labels) > max_characters:
        for label in labels:
            label.set_rotation(45)
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")
