import numpy as np
import pytest

pytest.importorskip("matplotlib")

from skmtl import MultiTaskRegressor
from skmtl.plotting import plot_task_affinity
from tests.plotting.conftest import FAST


@pytest.mark.parametrize("kind", ["gradient", "lookahead"])
def test_draws_the_measured_matrix_with_task_names(data, kind):
    X, Y = data
    model = MultiTaskRegressor(**FAST, task_affinity="both").fit(X, Y)
    ax = plot_task_affinity(model, kind)
    np.testing.assert_allclose(
        ax.images[0].get_array(), getattr(model, f"{kind}_affinity_")
    )
    names = [t.get_text() for t in ax.get_xticklabels()]
    assert names == [str(name) for name in model.task_names_]
    assert kind.capitalize()[:4] in ax.get_title()


def test_unmeasured_kind_is_an_error_naming_the_parameter(data):
    X, Y = data
    model = MultiTaskRegressor(**FAST, task_affinity="gradient").fit(X, Y)
    with pytest.raises(ValueError, match="task_affinity='lookahead'"):
        plot_task_affinity(model, "lookahead")


def test_draws_a_grouping_estimators_affinity(data):
    from skmtl import TaskGroupingRegressor

    X, Y = data
    model = TaskGroupingRegressor(
        MultiTaskRegressor(**FAST), n_groups=2, affinity="gradient"
    ).fit(X, Y)
    ax = plot_task_affinity(model)
    np.testing.assert_allclose(ax.images[0].get_array(), model.affinity_)
    assert ax.get_title() == "Gradient cosine similarity"
