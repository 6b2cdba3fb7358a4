"""Parameter and attribute documentation shared by the neural estimators.

MultiTaskRegressor and MultiTaskClassifier fill their docstrings from these
sections (see :func:`skmtl.utils._docstrings.fill_doc`).
"""

from skmtl.utils._docstrings import TASK_ATTRIBUTES, TASK_COLUMN

#: The network and its training, then ``task_column``.
NETWORK_TASK_COLUMN = f"""\
sharing : str or ArchitectureConfig, default="hard"
    How the tasks share parameters: a name registered in
    ``skmtl.architectures.ARCHITECTURES`` (``"hard"``: shared trunk and
    per-task heads; ``"independent"``: one full network per task, the
    single-task baseline), or an architecture's configuration with its own
    hyperparameters, e.g.
    ``skmtl.architectures.MultiGateMixtureOfExpertsConfig(n_experts=8)``,
    which are then nested parameters (``sharing__n_experts``) that
    ``GridSearchCV`` searches. A subclass of
    :class:`skmtl.architectures.Architecture` is accepted too.
sharing_params : dict, default=None
    Deprecated (FutureWarning), removed in the next release: hyperparameters
    of the architecture; give its configuration as ``sharing`` instead.
shared_layers : tuple of int, default=(100,)
    Hidden layer sizes of the shared trunk (of each task's tower when
    ``sharing="independent"``).
head_layers : tuple of int, default=()
    Hidden layer sizes of each task head; empty gives linear heads.
loss_weighting : str or LossWeightingConfig, default="equal"
    How the per-task losses are combined: a name registered in
    ``skmtl.weighting.WEIGHTINGS``, or a weighting's configuration with its
    own hyperparameters (e.g.
    ``skmtl.weighting.DynamicWeightAverageConfig(temperature=4.0)``), which
    are then nested parameters (``loss_weighting__temperature``). A subclass
    of :class:`skmtl.weighting.LossWeighting` is accepted too.
loss_weighting_params : dict, default=None
    Deprecated (FutureWarning), removed in the next release: hyperparameters
    of the loss weighting; give its configuration as ``loss_weighting``
    instead.
activation : str or type, default="relu"
    Activation after each hidden layer: ``"relu"``, ``"tanh"``,
    ``"logistic"``, ``"gelu"``, ``"elu"``, ``"selu"``, ``"leaky_relu"``,
    ``"identity"`` or a :class:`torch.nn.Module` subclass.
dropout : float, default=0.0
    Dropout probability after each hidden layer.
batch_size : int, default=200
    Rows per mini-batch.
max_epochs : int, default=200
    Passes over the training data (per call to ``fit`` with ``warm_start``).
lr : float, default=1e-3
    Learning rate.
optimizer : str or torch optimizer class, default="adam"
    The optimizer: ``"adam"``, ``"adamw"``, ``"sgd"``, ``"rmsprop"`` or a
    :class:`torch.optim.Optimizer` subclass. On CPU and CUDA, ``"adam"``,
    ``"adamw"`` and ``"sgd"`` use torch's fused implementation (``fused=True``:
    one kernel updates all parameters; the same update up to float
    rounding); a class is used with its own defaults.
weight_decay : float, default=1e-2
    Weight decay (L2 penalty) passed to the optimizer. The default was
    chosen by inner cross-validation on the School data and four Mulan sets,
    where no weight decay overfitted (many tasks with few rows each); 0
    turns it off (and is needed with an optimizer class that has no
    ``weight_decay`` argument, such as LBFGS).
early_stopping : bool, default=False
    Hold out ``validation_fraction`` of the rows and stop when the validation
    loss has not improved by ``tol`` for ``n_iter_no_change`` epochs; the
    weights of the best epoch are restored.
validation_fraction : float, default=0.1
    Share of the rows held out for early stopping (a random split).
n_iter_no_change : int, default=10
    Patience of early stopping, in epochs.
tol : float, default=1e-4
    Smallest decrease of the validation loss counted as an improvement.
{TASK_COLUMN}"""

#: Seeds, device, threads, logging and callbacks, after ``task_column``.
TRAINING = """\
random_state : int, RandomState instance or None, default=None
    Seeds weight initialisation, shuffling, dropout, the validation split and
    the loss weighting. An int gives bit-identical predictions for the same
    data, machine and thread count. torch's global generator is left as it
    was.
device : str or torch.device, default="cpu"
    Where the network is trained, e.g. ``"cuda"``.
n_threads : int, default=None
    torch threads during fit and predict, restored afterwards. None: one
    thread inside a joblib worker (``GridSearchCV(n_jobs>1)``), else torch's
    current setting.
verbose : int, default=0
    0 trains silently (no progress callback at all). 1 prints one line
    per epoch with the losses of up to 8 tasks, 2 with every task; with
    early stopping, the best epoch so far is marked ``*best``. 3 shows a
    tqdm progress bar over the epochs on stderr instead (ETA, losses, best
    epoch); 4 adds a bar over each epoch's batches.
callbacks : list of skorch callbacks, default=None
    Extra skorch callbacks (instances or ``(name, callback)`` pairs), used as
    given and run after skmtl's own.
task_affinity : {"gradient", "lookahead", "both"} or None, default=None
    Measure how the tasks interact while training (see
    :ref:`task-relations`): the cosine similarity of the per-task gradients
    at the shared representation (``"gradient"``), TAG's lookahead
    inter-task affinity on the shared parameters (``"lookahead"``), or both.
    Off by default: it adds extra forward and backward passes per batch
    (measured in :ref:`task-relations`)."""

#: Arithmetic and CUDA graphs, the last parameters.
PRECISION = """\
precision : {"32", "tf32", "bf16"}, default="32"
    Arithmetic of the network: ``"32"`` float32; ``"tf32"`` float32 tensors
    with matrix products on the TensorFloat-32 units of NVIDIA GPUs (CUDA
    only; a ValueError elsewhere); ``"bf16"`` the forward pass under
    bfloat16 autocast, with float32 weights, optimizer state and losses (CPU
    and CUDA). Applies to fit and predict. See :ref:`gpu-training` for the
    measured differences from float32.
cuda_graphs : {"auto", True, False}, default="auto"
    Record the whole training step (batch gather, forward, per-task losses,
    backward, optimizer update) once per fit in a CUDA graph and replay it
    for every batch. ``"auto"``: on ``device="cuda"`` when the loss
    weighting, optimizer and callbacks allow it, else skorch's eager loop;
    True: the same, raising a ValueError when capture is not possible;
    False: always the eager loop. A captured fit records per-epoch history
    only (no per-batch entries or batch callbacks). See :ref:`gpu-training`."""

#: The tabular backbone (TabM ensembles, numerical and categorical embeddings).
TABULAR = """\
ensemble_size : int or None, default=None
    Train a parameter-efficient ensemble of this many members in one
    network (TabM, Gorishniy et al., ICLR 2025; needs ``skmtl[tabular]``):
    the members share the trunk's weights and differ by per-member scalings
    and biases (BatchEnsemble adapters), run in one forward pass, train on
    the mean of their losses and predict together (mean prediction, mean
    probability). ``sharing="hard"`` only. See :ref:`tabular`.
num_embeddings : {None, "piecewise", "periodic"}, default=None
    Embed each numerical column as a vector of ``embedding_dim`` before the
    network (Gorishniy et al., NeurIPS 2022; needs ``skmtl[tabular]``):
    ``"piecewise"``, piecewise-linear with 48 quantile bins from the
    training rows; ``"periodic"``, learned sine/cosine frequencies. Columns
    constant in training are passed as they are. Dense ``X`` only.
categorical_features : "auto", list of str or int, or None, default="auto"
    Columns holding categories, each encoded as a learned vector of
    ``embedding_dim`` (no one-hot encoding needed). ``"auto"``: the
    non-numeric columns of a DataFrame (``category``, string, object);
    a list: those column names (DataFrame) or positions; None: none (a
    non-numeric column is then an error). A category not seen in training
    (or a missing value, when training had none) maps to a reserved vector.
embedding_dim : int, default=16
    Size of the categorical and numerical embedding vectors."""

#: The categorical columns found in fit, after the task attributes.
TABULAR_ATTRIBUTES = """\
categorical_features_ : list
    The columns encoded as categories (names for a DataFrame, positions
    otherwise); empty when there are none."""

#: The fitted network, before the task attributes.
NET = """\
net_ : skorch.NeuralNet
    The trained skorch net; ``net_.module_`` is the torch module."""

#: The training record, after the task attributes.
HISTORY = """\
history_ : skorch.History
    Per-epoch records: ``train_loss``, ``train_task_loss`` (task -> loss),
    ``valid_loss`` and ``valid_task_loss`` with early stopping,
    ``task_weights`` and ``dur``. Slice it like ``history_[:, "train_loss"]``.
task_weights_ : ndarray of shape (`n_iter_`, `n_tasks_`)
    Mean weight the loss weighting gave each task in each epoch.
n_iter_ : int
    Number of epochs trained (in total, with ``warm_start``).
gradient_affinity_ : ndarray of shape (`n_tasks_`, `n_tasks_`)
    With ``task_affinity`` in ``{"gradient", "both"}``: mean over training
    batches of the cosine similarity of two tasks' gradients at the shared
    representation (at the shared parameters in the long layout, where no
    row carries two tasks; NaN where never measured). Per epoch:
    ``history_[:, "gradient_affinity"]``.
lookahead_affinity_ : ndarray of shape (`n_tasks_`, `n_tasks_`)
    With ``task_affinity`` in ``{"lookahead", "both"}``: entry ``[i, j]`` is
    the mean relative decrease of task ``j``'s loss after a step on task
    ``i``'s loss (TAG's ``Z[i -> j]``). Per epoch:
    ``history_[:, "lookahead_affinity"]``."""

#: Every fitted attribute the neural estimators share, in their order.
FITTED = "\n".join([NET, TASK_ATTRIBUTES, TABULAR_ATTRIBUTES, HISTORY])

#: The first sentence of ``warm_start``; each estimator adds what it keeps.
WARM_START = """\
warm_start : bool, default=False
    Continue training the fitted network for ``max_epochs`` more epochs on
    the next call to ``fit``."""

#: After ``warm_start``.
SHARED_LR_SCALE = """\
shared_lr_scale : float in [0, 1], default=1.0
    Multiplier of the learning rate of the shared parameters (those of the
    architecture's ``shared_parameters()``; the heads and task-specific
    layers keep ``lr``) in every fit. 0 freezes them; a warm-start fit that
    adds tasks with 0 also keeps the previous tasks' weights fixed, so they
    predict exactly as before. Other than 1.0, each fit starts the optimizer
    afresh (see :ref:`transfer`)."""

SECTIONS = {
    "warm_start": WARM_START,
    "shared_lr_scale": SHARED_LR_SCALE,
    "network_task_column": NETWORK_TASK_COLUMN,
    "training": TRAINING,
    "precision": PRECISION,
    "tabular": TABULAR,
    "tabular_attributes": TABULAR_ATTRIBUTES,
    "net": NET,
    "task_attributes": TASK_ATTRIBUTES,
    "history": HISTORY,
    "fitted": FITTED,
}
