"""Random number generators owned by one fit, never torch's global one.

A fit's random draws (module initialisation, dropout masks, shuffling, the
validation split, random loss weightings) must depend on its ``random_state``
only, also when other fits run at the same time in other threads. Every draw
during training comes from a :class:`torch.Generator` that the fit owns:
shuffling, the validation split and the weightings take one as an argument, and
dropout layers are replaced by :class:`GeneratorDropout`. Module construction is
the one exception: torch's layers initialise their parameters from the global
generator, so the modules are built inside :func:`seeded_torch`, which holds a
process-wide lock while it seeds the global generator and restores it afterwards.
"""

import threading
from contextlib import contextmanager

import numpy as np
import torch
from sklearn.utils import check_random_state
from torch import nn

# Held while torch's global generators are seeded for a block: two threads
# forking and restoring them at once would each restore the other's seeded state.
_GLOBAL_GENERATOR_LOCK = threading.RLock()


def draw_seed(random_state):
    """Draw one integer seed from ``random_state`` (None, int or RandomState)."""
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def derived_seed(seed, purpose):
    """Return a seed for one purpose of a fit, independent of the others.

    Parameters
    ----------
    seed : int
        The fit's seed.
    purpose : int
        A small number naming the use (e.g. 1 for dropout).

    Returns
    -------
    seed : int
        A seed in ``[0, 2**31)``.
    """
    state = np.random.SeedSequence([seed, purpose]).generate_state(1)[0]
    return int(state) % np.iinfo(np.int32).max


@contextmanager
def seeded_torch(seed, device="cpu"):
    """Seed torch's global generators for a block and restore them afterwards.

    Module initialisation draws from torch's global generator; forking it makes a
    fit reproducible without changing the random stream of the user's process.
    The block holds a process-wide lock, so fits in threads do not interleave
    their seeded draws; keep it short (module construction only).
    """
    cuda_devices = []
    if torch.device(device).type == "cuda" and torch.cuda.is_available():
        cuda_devices = [torch.device(device).index or 0]
    with _GLOBAL_GENERATOR_LOCK, torch.random.fork_rng(devices=cuda_devices):
        # Only the generators in use: torch.manual_seed also queues seeds for
        # every other backend (XPU, MPS, ...), recording a stack trace each time,
        # which cost 4 ms, a fifth of a small fit.
        torch.default_generator.manual_seed(seed)
        for index in cuda_devices:
            with torch.cuda.device(index):
                torch.cuda.manual_seed(seed)
        yield


class GeneratorDropout(nn.Dropout):
    """Dropout whose masks come from a given :class:`torch.Generator`.

    ``torch.nn.Dropout`` draws its masks from torch's global generator, which
    other threads share. This layer computes the same function (inverted
    dropout: zero each element with probability ``p`` in training, scale the
    others by ``1 / (1 - p)``; the identity in evaluation) from its own
    generator. It subclasses ``torch.nn.Dropout``, so code that looks for
    dropout layers finds it.

    Parameters
    ----------
    p : float
        Probability of zeroing an element, in [0, 1).
    generator : torch.Generator
        Source of the masks, on the device of the inputs.
    """

    def __init__(self, p, generator):
        super().__init__(float(p))
        self.generator = generator

    def forward(self, x):
        """Return ``x`` with a random mask applied in training, else ``x``."""
        if not self.training or self.p == 0.0:
            return x
        keep = torch.empty_like(x).bernoulli_(1.0 - self.p, generator=self.generator)
        return x * keep.div_(1.0 - self.p)


def use_generator_dropout(module, generator):
    """Replace every ``torch.nn.Dropout`` in ``module`` by :class:`GeneratorDropout`.

    Parameters
    ----------
    module : torch.nn.Module
        Changed in place.
    generator : torch.Generator
        Shared by all the replaced layers.

    Returns
    -------
    n_replaced : int
        How many layers were replaced.
    """
    n_replaced = 0
    for parent in list(module.modules()):
        for name, child in list(parent.named_children()):
            if type(child) is nn.Dropout:
                setattr(parent, name, GeneratorDropout(child.p, generator))
                n_replaced += 1
    return n_replaced
