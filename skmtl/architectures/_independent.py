"""No sharing: one full network per task, the single-task baseline."""

from skmtl.architectures._base import ARCHITECTURES, Architecture, ArchitectureConfig
from skmtl.architectures._layers import TaskMLP


class IndependentNetworks(Architecture):
    """One complete MLP per task (``shared_layers`` then ``head_layers``), no sharing.

    The single-task baseline inside the same training machinery, so a comparison
    with the sharing architectures changes nothing but the sharing. The towers are
    stacked :class:`~skmtl.architectures._layers.TaskLinear` layers: one batched op
    per layer for all tasks, not a Python loop over networks.

    Notes
    -----
    There is no shared representation; :meth:`shared_representation` returns the
    towers' outputs after their ``shared_layers`` part, concatenated over tasks
    (``n_tasks * shared_layers[-1]`` columns).
    """

    name = "independent"
    sparse_input = True

    def __init__(self, n_features, n_tasks, n_outputs, **kwargs):
        super().__init__(n_features, n_tasks, n_outputs, **kwargs)
        self.towers = TaskMLP(
            n_tasks, n_features, self.shared_layers, None, self.activation, self.dropout
        )
        self.heads = self._task_heads(self.towers.n_features_out)

    def forward_with_shared(self, X, task=None):
        """Run every task's tower and head, or each row's own ones.

        The "shared" tensor is the towers' output: nothing is shared, so the
        gradient of each task reaches only its own tower's slice of it.
        """
        features = self.towers(X, task)
        if task is None:
            features = features.transpose(0, 1).contiguous()
        return self.heads(features, task), features

    def shared_representation(self, X):
        """Return every tower's features, concatenated over tasks."""
        features = self.towers(X)
        return features.reshape(features.shape[0], -1)

    def shared_parameters(self):
        """Return an empty list: nothing is shared."""
        return []


@ARCHITECTURES.register
class IndependentNetworksConfig(ArchitectureConfig):
    """Configuration of :class:`IndependentNetworks`, ``sharing="independent"``.

    No hyperparameters of its own: each tower follows the estimator's
    ``shared_layers``, ``head_layers``, ``activation`` and ``dropout``.
    """

    plugin = IndependentNetworks
