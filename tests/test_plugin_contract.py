"""The contract of every plugin configuration, found from the registries.

A new architecture, loss weighting or penalty is tested here without new test
code: its configuration is registered (checked by walking the subpackages), it
is documented in docs/api.rst (checked by parsing it), its hyperparameters round
trip through get_params/set_params/clone, its constraints reject a bad value with
a message naming the parameter, and the estimators build the same model from its
registry name and from its default configuration.
"""

import importlib
import inspect
import pickle
import pkgutil
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.utils._param_validation import (
    InvalidParameterError,
    generate_invalid_param_val,
)

from skmtl import MultiTaskRegressor, RegularizedMultiTaskRegressor
from skmtl.architectures import ARCHITECTURES
from skmtl.linear_model.penalties import PENALTIES
from skmtl.utils._plugin import PluginConfig
from skmtl.weighting import WEIGHTINGS
from tests.conftest import FAST

API_RST = Path(__file__).resolve().parents[1] / "docs" / "api.rst"
REGISTRIES = {
    "skmtl.architectures": ARCHITECTURES,
    "skmtl.weighting": WEIGHTINGS,
    "skmtl.linear_model.penalties": PENALTIES,
}
TASKS = ["task_0", "task_1", "task_2"]
# What a fit knows and a configuration does not, per family.
BUILD_ARGS = {
    "skmtl.architectures": ((5, 3, 1), {"shared_layers": (8,)}),
    "skmtl.weighting": ((3,), {"random_state": 0}),
    "skmtl.linear_model.penalties": ((0.1, TASKS), {}),
}
# Hyperparameters a plugin cannot do without (none has a usable default).
REQUIRED = {"graph": {"task_graph": [("task_0", "task_1"), ("task_1", "task_2")]}}

CONFIGS = [
    pytest.param(package, config_class, id=config_class.plugin.name)
    for package, registry in REGISTRIES.items()
    for config_class in registry.config_classes()
]


def _example(config_class):
    return config_class(**REQUIRED.get(config_class.plugin.name, {}))


def _classes_defined_in(package):
    """Yield every class defined in ``package`` and its submodules."""
    module = importlib.import_module(package)
    names = [package] + [
        info.name
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}.")
    ]
    for name in names:
        for _, cls in inspect.getmembers(
            importlib.import_module(name), inspect.isclass
        ):
            if cls.__module__ == name:
                yield cls


@pytest.mark.parametrize("package", list(REGISTRIES))
def test_every_plugin_class_is_registered(package):
    registry = REGISTRIES[package]
    registered = registry.config_classes()
    plugins = {config_class.plugin for config_class in registered}
    for cls in _classes_defined_in(package):
        if issubclass(cls, PluginConfig) and cls.plugin is not None:
            assert cls in registered, f"{cls.__name__} is not registered"
        elif issubclass(cls, registry.base) and cls.name is not None:
            assert cls in plugins, f"{cls.__name__} has no registered configuration"


def test_every_registered_plugin_is_documented():
    documented = set(re.findall(r"^   (\w+)$", API_RST.read_text(), re.MULTILINE))
    for registry in REGISTRIES.values():
        for config_class in registry.config_classes():
            for cls in (config_class, config_class.plugin):
                assert cls.__name__ in documented, f"{cls.__name__} not in api.rst"


@pytest.mark.parametrize(("package", "config_class"), CONFIGS)
def test_hyperparameters_round_trip_and_clone(package, config_class):
    config = _example(config_class)
    params = config.get_params()
    assert set(config._parameter_constraints) == set(params)
    assert config_class().set_params(**params).get_params() == params
    copy = clone(config)
    assert copy is not config and type(copy) is config_class
    assert repr(copy.get_params()) == repr(params)
    for name, value in params.items():
        if isinstance(value, list | dict | np.ndarray):
            assert copy.get_params()[name] is not value
    assert repr(pickle.loads(pickle.dumps(config))) == repr(config)
    # The configuration's defaults are the plugin's.
    signature = inspect.signature(config_class.plugin).parameters
    for name, value in config_class().get_params().items():
        assert signature[name].default == value, name


@pytest.mark.parametrize(("package", "config_class"), CONFIGS)
def test_building_validates_and_leaves_the_configuration_alone(package, config_class):
    args, kwargs = BUILD_ARGS[package]
    config = _example(config_class)
    before = repr(config)
    plugin = config.build(*args, **kwargs)
    assert isinstance(plugin, config_class.plugin)
    assert repr(config) == before
    for name, constraints in config_class._parameter_constraints.items():
        bad_values = [object()] + [
            generate_invalid_param_val(constraint)
            for constraint in constraints
            if hasattr(constraint, "is_satisfied_by")
            and type(constraint).__name__ in ("Interval", "StrOptions", "Options")
        ]
        for bad in bad_values:
            config = _example(config_class).set_params(**{name: bad})
            with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
                config.build(*args, **kwargs)


@pytest.mark.parametrize("name", ARCHITECTURES.names())
def test_exposes_shared_says_what_the_forward_pass_returns(name):
    module = ARCHITECTURES.config(name).build(5, 3, 1, shared_layers=(8,))
    shared = module.forward_with_shared(torch.zeros(2, 5))[1]
    assert module.exposes_shared == (shared is not None)


@pytest.mark.parametrize(("package", "config_class"), CONFIGS)
def test_name_and_configuration_fit_the_same_model(
    package, config_class, wide_regression
):
    X, Y = wide_regression
    name = config_class.plugin.name
    config = _example(config_class)
    if package == "skmtl.linear_model.penalties":
        estimator, parameter, settings = RegularizedMultiTaskRegressor, "penalty", {}
    else:
        estimator, settings = MultiTaskRegressor, FAST
        parameter = "sharing" if package == "skmtl.architectures" else "loss_weighting"
    by_config = estimator(**settings, **{parameter: config}).fit(X, Y)
    assert by_config.get_params()[parameter] is config
    # Required hyperparameters reach a name through the deprecated dict.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        by_name = estimator(
            **settings, **{parameter: name, f"{parameter}_params": REQUIRED.get(name)}
        ).fit(X, Y)
    np.testing.assert_array_equal(by_config.predict(X), by_name.predict(X))
