"""Torch intra-op threads for one fit or predict, restored afterwards.

torch is imported inside :func:`torch_threads` only: the linear models use this
module's BLAS helpers and must not import torch.
"""

import functools
import sys
from contextlib import contextmanager


def inside_joblib_worker():
    """Return True when running inside a parallel worker of a model search.

    joblib raises the nesting level of its active backend inside the calls it
    dispatches, in loky worker processes and in threading workers alike, and in
    Ray's joblib backend. joblib's Dask backend runs the calls in a Dask worker
    without that mark, so a Dask worker is recognised on its own
    (:func:`inside_dask_worker`).
    """
    from joblib.parallel import get_active_backend

    backend, _ = get_active_backend()
    return getattr(backend, "nesting_level", 0) > 0 or inside_dask_worker()


def inside_dask_worker():
    """Return True when the caller runs in a task of a ``dask.distributed`` worker.

    Looks only when ``distributed`` is already imported (a Dask worker always has
    it), so processes without Dask pay nothing.
    """
    distributed = sys.modules.get("distributed")
    if distributed is None:
        return False
    try:
        distributed.get_worker()
    except ValueError:
        return False
    return True


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
