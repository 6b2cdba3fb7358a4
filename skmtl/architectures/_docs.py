"""Parameter documentation shared by the architectures.

The architectures fill their docstrings from :data:`SECTIONS` (see
:func:`skmtl.utils._docstrings.fill_doc`).
"""


def numbers(layers_of):
    """Return the first parameters of an architecture with its own hyperparameters.

    Parameters
    ----------
    layers_of : str
        What the ``shared_layers`` build (``"every expert"``).

    Returns
    -------
    section : str
        ``n_features``, ``n_tasks``, ``n_outputs`` and ``shared_layers``, for
        :func:`skmtl.utils._docstrings.fill_doc`.
    """
    return f"""\
n_features, n_tasks, n_outputs : int
    Numbers of input features, of tasks and of outputs per task, as for
    :class:`~skmtl.architectures.Architecture`.
shared_layers : tuple of int, default=(100,)
    Hidden layer sizes of {layers_of}; must not be empty."""


#: ``head_layers`` and ``activation``.
HEAD_ACTIVATION = """\
head_layers : tuple of int, default=()
    Hidden layer sizes of each task head; empty gives linear heads.
activation : str or type, default="relu"
    Activation after each hidden layer."""

#: ``head_layers``, ``activation`` and ``dropout``.
LAYERS = f"""\
{HEAD_ACTIVATION}
dropout : float, default=0.0
    Dropout probability after each hidden layer."""

#: The Parameters section of the methods that read a batch of rows.
ROWS = """\
Parameters
----------
X : Tensor of shape (batch, n_features)
    Input features."""

#: The Parameters section of the ``summary`` of an architecture with gates.
GATE_ROWS = """\
Parameters
----------
X : Tensor of shape (batch, n_features) or None
    Rows on which to evaluate the gates; None returns an empty dict."""

#: The sections, for :func:`skmtl.utils._docstrings.fill_doc`.
SECTIONS = {
    "head_activation": HEAD_ACTIVATION,
    "layers": LAYERS,
    "rows": ROWS,
    "gate_rows": GATE_ROWS,
}
