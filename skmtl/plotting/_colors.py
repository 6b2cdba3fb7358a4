"""One colour per model name, the same in every plot and every run."""

import zlib

#: The colours of the models ``skmtl compare`` fits by default.
MODEL_COLORS = {
    "single-task": "#7f7f7f",
    "pooled": "#8c564b",
    "MTL linear": "#1f77b4",
    "MTL hard": "#ff7f0e",
    "MTL soft": "#2ca02c",
    "MTL mmoe": "#d62728",
    "MTL ple": "#9467bd",
    "MTL cross_stitch": "#e377c2",
    "MTL independent": "#bcbd22",
}

# Other names hash into this palette (tab20 without the colours above).
_PALETTE = (
    "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
    "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5", "#393b79", "#637939",
)  # fmt: skip


def model_color(name, colors=None):
    """Return the colour of the model ``name``, independent of the other models.

    Parameters
    ----------
    name : object
        The model's name.
    colors : dict, default=None
        Model name -> colour, overriding the defaults.

    Returns
    -------
    color : str
        ``colors[name]``, else the colour of a default model
        (:data:`MODEL_COLORS`), else a palette colour chosen by a hash of the
        name: stable across runs, whichever other models are plotted.

    Examples
    --------
    >>> from skmtl.plotting._colors import model_color
    >>> model_color("MTL hard")
    '#ff7f0e'
    >>> model_color("my model") == model_color("my model")
    True
    """
    if colors is not None and name in colors:
        return colors[name]
    if name in MODEL_COLORS:
        return MODEL_COLORS[name]
    return _PALETTE[zlib.crc32(str(name).encode()) % len(_PALETTE)]
