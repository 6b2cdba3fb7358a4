"""Torch intra-op threads for one fit or predict, restored afterwards.

torch is imported inside :func:`torch_threads` only: the linear models use this
module's BLAS helpers and must not import torch.
"""

import functools
from contextlib import contextmanager


def inside_joblib_worker():
    """Return True when running inside a joblib parallel call (``n_jobs`` > 1 work).

    joblib raises the nesting level of its active backend inside the calls it
    dispatches, in loky worker processes and in threading workers alike.
    """
    from joblib.parallel import get_active_backend

    backend, _ = get_active_backend()
    return getattr(backend, "nesting_level", 0) > 0


def resolve_n_threads(n_threads):
    """Return the torch thread count to use, or None to keep the current one.

    ``None`` means one thread inside a joblib worker (so ``GridSearchCV(n_jobs=k)``
    runs k single-threaded fits instead of oversubscribing the cores) and torch's
    current setting otherwise.
    """
    if n_threads is not None:
        return int(n_threads)
    return 1 if inside_joblib_worker() else None


@contextmanager
def torch_threads(n_threads):
    """Run a block with ``torch.set_num_threads`` set, restoring it on exit.

    Parameters
    ----------
    n_threads : int or None
        Threads wanted; ``None`` follows :func:`resolve_n_threads`.
    """
    import torch

    wanted = resolve_n_threads(n_threads)
    previous = torch.get_num_threads()
    if wanted is None or wanted == previous:
        yield previous
        return
    torch.set_num_threads(wanted)
    try:
        yield wanted
    finally:
        torch.set_num_threads(previous)


@functools.cache
def _blas_controller():
    """Return one ThreadpoolController for the process (finding the BLAS is slow).

    Building a controller scans the loaded shared libraries (about 4 ms, more than
    a whole small linear fit); the BLAS libraries numpy uses are loaded by then
    and do not change.
    """
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def single_blas_thread():
    """Return a context manager that runs its block with one BLAS thread."""
    return _blas_controller().limit(limits=1, user_api="blas")
