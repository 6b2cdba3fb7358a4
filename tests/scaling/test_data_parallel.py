"""Data-parallel fits with torch.distributed (2 CPU processes, gloo).

Each process holds all the data and trains on its rows of every batch; the
summed gradients make the fit equal a one-process fit under equal weighting.
"""

import os
import pathlib
import tempfile

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from skmtl import MultiTaskClassifier, MultiTaskRegressor
from skmtl.datasets import make_multitask_classification, make_multitask_regression

FAST = {
    "shared_layers": (16,),
    "max_epochs": 4,
    "batch_size": 25,
    "random_state": 0,
    "n_threads": 1,
}
CASES = {
    "wide": lambda: (
        MultiTaskRegressor(**FAST),
        *make_multitask_regression(
            n_samples=110, n_features=5, n_tasks=3, random_state=0
        ),
    ),
    "missing": lambda: (
        MultiTaskRegressor(**FAST, sharing="soft"),
        *make_multitask_regression(
            n_samples=110, n_features=5, n_tasks=3, missing_rate=0.3, random_state=1
        ),
    ),
    "long": lambda: (
        MultiTaskRegressor(**FAST, task_column=0),
        *make_multitask_regression(
            n_samples=110, n_features=5, n_tasks=4, layout="long", random_state=2
        ),
    ),
    "classifier": lambda: (
        MultiTaskClassifier(**FAST),
        *make_multitask_classification(
            n_samples=110, n_features=5, n_tasks=2, random_state=3
        ),
    ),
    "uncertainty": lambda: (
        MultiTaskRegressor(**FAST, loss_weighting="uncertainty"),
        *make_multitask_regression(
            n_samples=110, n_features=5, n_tasks=3, random_state=4
        ),
    ),
}


def _outputs(model, X):
    if isinstance(model, MultiTaskClassifier):
        return np.column_stack(model.predict_proba(X))
    return model.predict(X)


def _worker(rank, world_size, init_file, out_dir):
    dist.init_process_group(
        "gloo", init_method=f"file://{init_file}", rank=rank, world_size=world_size
    )
    try:
        for name, case in CASES.items():
            model, X, Y = case()
            model.fit(X, Y)
            # Every process holds the same network after every step.
            weights = torch.cat(
                [p.detach().reshape(-1) for p in model.net_.module_.parameters()]
            )
            gathered = [torch.empty_like(weights) for _ in range(world_size)]
            dist.all_gather(gathered, weights)
            same = all(torch.equal(gathered[0], g) for g in gathered)
            np.save(
                pathlib.Path(out_dir) / f"{name}_{rank}.npy",
                np.concatenate([_outputs(model, X).ravel(), [float(same)]]),
            )
        # Both processes are done with every collective before the teardown
        # (gloo can abort a process torn down while its peer still talks).
        dist.barrier()
    finally:
        dist.destroy_process_group()


@pytest.fixture(scope="module")
def data_parallel_outputs():
    with tempfile.TemporaryDirectory() as folder:
        init_file = os.path.join(folder, "init")
        mp.spawn(_worker, args=(2, init_file, folder), nprocs=2, join=True)
        yield {
            (name, rank): np.load(pathlib.Path(folder) / f"{name}_{rank}.npy")
            for name in CASES
            for rank in range(2)
        }


@pytest.mark.slow
@pytest.mark.parametrize("name", ["wide", "missing", "long", "classifier"])
def test_two_processes_fit_what_one_process_fits(data_parallel_outputs, name):
    model, X, Y = CASES[name]()
    single = _outputs(model.fit(X, Y), X).ravel()
    for rank in range(2):
        outputs = data_parallel_outputs[(name, rank)]
        assert outputs[-1] == 1.0, "the processes' networks differ"
        np.testing.assert_allclose(outputs[:-1], single, rtol=1e-5, atol=1e-5)


@pytest.mark.slow
def test_other_weightings_train_the_same_network_in_every_process(
    data_parallel_outputs,
):
    # Uncertainty weighting combines each shard's task losses: gradients are
    # averaged, every process keeps the same network, the fit is not the
    # one-process fit.
    first, second = (data_parallel_outputs[("uncertainty", r)] for r in range(2))
    assert first[-1] == second[-1] == 1.0
    np.testing.assert_array_equal(first, second)
    assert np.all(np.isfinite(first))


def test_no_process_group_means_a_plain_fit():
    from skmtl.neural._distributed import process_group

    assert process_group() is None
    model, X, Y = CASES["wide"]()
    model.fit(X, Y)
    assert model.net_.world_size == 1
