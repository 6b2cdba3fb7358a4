"""Hard parameter sharing: one shared trunk, one head per task.

Caruana, R. (1997). Multitask learning. Machine Learning, 28(1), 41-75.
"""

from skmtl.architectures._base import ARCHITECTURES, Architecture, ArchitectureConfig
from skmtl.architectures._layers import mlp


class HardSharing(Architecture):
    """Shared MLP trunk (``shared_layers``) feeding stacked per-task heads.

    Every task reads the same representation; the heads (``head_layers`` then a
    linear output) are evaluated together as one batched matmul. See
    :class:`~skmtl.architectures.Architecture` for the parameters.

    References
    ----------
    Caruana, R. (1997). Multitask learning. Machine Learning, 28(1), 41-75.
    """

    name = "hard"
    sparse_input = True

    def __init__(self, n_features, n_tasks, n_outputs, **kwargs):
        super().__init__(n_features, n_tasks, n_outputs, **kwargs)
        self.trunk = mlp(n_features, self.shared_layers, self.activation, self.dropout)
        trunk_out = self.shared_layers[-1] if self.shared_layers else n_features
        self.heads = self._task_heads(trunk_out)

    def forward_with_shared(self, X, task=None):
        """Run the trunk once, then every task head (or each row's own head)."""
        shared = self.trunk(X)
        return self.heads(shared, task), shared

    def shared_representation(self, X):
        """Return the trunk output."""
        return self.trunk(X)

    def shared_parameters(self):
        """Return the trunk parameters."""
        return list(self.trunk.parameters())


@ARCHITECTURES.register
class HardSharingConfig(ArchitectureConfig):
    """Configuration of :class:`HardSharing`, ``sharing="hard"``.

    Hard sharing has no hyperparameters of its own: the trunk and heads follow
    the estimator's ``shared_layers``, ``head_layers``, ``activation`` and
    ``dropout``.

    Examples
    --------
    >>> from skmtl import MultiTaskRegressor
    >>> from skmtl.architectures import HardSharingConfig
    >>> MultiTaskRegressor(sharing=HardSharingConfig()).get_params()["sharing"]
    HardSharingConfig()
    """

    plugin = HardSharing
