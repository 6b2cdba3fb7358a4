"""Soft parameter sharing: per-task towers pulled towards each other by an L2 penalty.

Duong, L., Cohn, T., Bird, S. and Cook, P. (2015). Low resource dependency parsing:
cross-lingual parameter sharing in a neural network parser. In Proceedings of ACL
2015 (Volume 2: Short Papers), 845-850.
"""

from numbers import Real

import torch
from torch.nn import functional as F

from skmtl.architectures._base import ARCHITECTURES, ArchitectureConfig
from skmtl.architectures._docs import SECTIONS, numbers
from skmtl.architectures._independent import IndependentNetworks
from skmtl.utils._docstrings import fill_doc
from skmtl.utils._sklearn_compat import Interval


@fill_doc(**SECTIONS, numbers=numbers("each task's tower"))
class SoftSharing(IndependentNetworks):
    r"""One tower per task, with an L2 penalty pulling the towers to their mean.

    Each task has its own MLP tower (``shared_layers``) and head (``head_layers``
    then a linear output), as in
    :class:`~skmtl.architectures.IndependentNetworks`; the towers are stacked
    layers evaluated together. Nothing is shared literally: the towers are tied
    only by the penalty added to the training loss,

    .. math::

        \lambda \sum_{l} \sum_{t=1}^{T} \lVert W^{(l)}_t - \bar W^{(l)} \rVert_2^2,
        \qquad \bar W^{(l)} = \frac{1}{T} \sum_{s=1}^{T} W^{(l)}_s,

    over the weights and biases of every tower layer :math:`l`, where
    :math:`\lambda` is ``penalty_strength``. :math:`\lambda = 0` gives independent
    networks; a large :math:`\lambda` drives the towers to one common tower.

    Parameters
    ----------
    %(numbers)s
    %(layers)s
    penalty_strength : float, default=0.01
        The strength :math:`\lambda \ge 0` of the pull between the towers.

    See Also
    --------
    IndependentNetworks : The same towers without the penalty.
    HardSharing : One tower shared by every task.

    Notes
    -----
    :meth:`shared_parameters` returns an empty list, since no parameter is used by
    more than one task; the "shared" tensor of :meth:`forward_with_shared` and
    :meth:`shared_representation` are the towers' outputs, as for independent
    networks. :meth:`summary` reports how far apart the towers ended up.

    Duong et al. (2015) penalise the squared distance between the parameters of
    two parsers; for two tasks the penalty above is half of it, and the pull
    towards the mean of the towers extends it to any number of tasks (the
    mean-regularized formulation of Evgeniou and Pontil, 2004, applied to
    network layers). Yang and Hospedales (2017) replace the L2 distance by a
    trace-norm coupling of the stacked task parameters.

    References
    ----------
    Duong, L., Cohn, T., Bird, S. and Cook, P. (2015). Low resource dependency
    parsing: cross-lingual parameter sharing in a neural network parser. In
    Proceedings of ACL 2015 (Volume 2: Short Papers), 845-850.

    Evgeniou, T. and Pontil, M. (2004). Regularized multi-task learning. In
    Proceedings of KDD 2004, 109-117.

    Yang, Y. and Hospedales, T. M. (2017). Trace norm regularised deep multi-task
    learning. ICLR 2017 Workshop Track.

    Examples
    --------
    >>> import torch
    >>> from skmtl.architectures import SoftSharing
    >>> net = SoftSharing(5, 3, 1, shared_layers=(8,), penalty_strength=0.1)
    >>> net(torch.randn(4, 5)).shape
    torch.Size([4, 3, 1])
    >>> sorted(net.summary())
    ['task_similarity', 'tower_distance']
    """

    name = "soft"
    sparse_input = True

    def __init__(
        self, n_features, n_tasks, n_outputs, *, penalty_strength=0.01, **kwargs
    ):
        super().__init__(n_features, n_tasks, n_outputs, **kwargs)
        self._require_layers("tower layer to pull together")
        self.penalty_strength = float(penalty_strength)

    def penalty(self):
        """Return the L2 pull of every tower towards the mean tower.

        Returns
        -------
        penalty : scalar Tensor or None
            ``penalty_strength`` times the summed squared distances of the tower
            weights and biases to their mean over the tasks; None when
            ``penalty_strength`` is 0, so that nothing is computed.
        """
        if self.penalty_strength == 0:
            return None
        total = sum(
            (p - p.mean(dim=0, keepdim=True)).square().sum()
            for p in self.towers.parameters()
        )
        return self.penalty_strength * total

    def tower_vectors(self):
        """Return each task's tower parameters flattened into one row.

        Returns
        -------
        vectors : Tensor of shape (n_tasks, n_tower_parameters)
            The weights and biases of every tower layer, task by task.
        """
        return torch.cat(
            [p.reshape(self.n_tasks, -1) for p in self.towers.parameters()], dim=1
        )

    def summary(self, X=None):
        """Return the distances and cosine similarities between the task towers.

        Parameters
        ----------
        X : Tensor or None
            Unused: both matrices depend on the parameters only.

        Returns
        -------
        summary : dict of str -> Tensor
            ``"tower_distance"``: ``(n_tasks, n_tasks)`` Euclidean distances
            between the flattened tower parameters (see :meth:`tower_vectors`);
            ``"task_similarity"``: their ``(n_tasks, n_tasks)`` cosine similarity.
        """
        vectors = self.tower_vectors().detach()
        # The direct formula keeps the diagonal exactly zero (the matmul
        # shortcut does not).
        distance = torch.cdist(
            vectors, vectors, compute_mode="donot_use_mm_for_euclid_dist"
        )
        unit = F.normalize(vectors, dim=1)
        return {"tower_distance": distance, "task_similarity": unit @ unit.T}


@ARCHITECTURES.register
class SoftSharingConfig(ArchitectureConfig):
    r"""Configuration of :class:`SoftSharing`, ``sharing="soft"``.

    Parameters
    ----------
    penalty_strength : float, default=0.01
        The strength :math:`\lambda \ge 0` of the pull between the towers.
    """

    plugin = SoftSharing
    _parameter_constraints = {
        "penalty_strength": [Interval(Real, 0, None, closed="left")]
    }

    def __init__(self, penalty_strength=0.01):
        self.penalty_strength = penalty_strength
