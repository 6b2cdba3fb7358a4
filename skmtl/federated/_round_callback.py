"""The skorch callback that starts each local round from the global shared layers."""

import torch
from skorch.callbacks import Callback

from skmtl.federated._shared_state import named_shared_parameters


class FederatedRound(Callback):
    """Load the global shared layers at the start of local training; FedProx pull.

    The client sets :attr:`global_state` and :attr:`proximal_mu` before each
    local fit. At ``on_train_begin`` the shared layers are overwritten with the
    global state (the task heads keep their local values); with
    ``proximal_mu > 0`` each step adds ``mu * (w - w_global)`` to the shared
    layers' gradients, the gradient of FedProx's term ``mu / 2 ||w - w_global||^2``
    (Li et al., 2020).

    Parameters
    ----------
    proximal_mu : float, default=0.0
        Strength of the proximal pull towards the global shared layers.
    """

    def __init__(self, proximal_mu=0.0):
        self.proximal_mu = proximal_mu
        self.global_state = None

    def on_train_begin(self, net, **kwargs):
        """Overwrite the shared layers with the global state, if any."""
        self._pairs = []
        if self.global_state is None:
            return
        named = dict(named_shared_parameters(net.module_))
        with torch.no_grad():
            for name, parameter in named.items():
                reference = torch.as_tensor(self.global_state[name]).to(
                    parameter.device, parameter.dtype
                )
                parameter.copy_(reference)
                self._pairs.append((parameter, reference))

    def on_grad_computed(self, net, named_parameters, **kwargs):
        """Add FedProx's proximal gradient to the shared layers."""
        if self.proximal_mu <= 0:
            return
        with torch.no_grad():
            for parameter, reference in self._pairs:
                if parameter.grad is not None:
                    parameter.grad.add_(parameter - reference, alpha=self.proximal_mu)
