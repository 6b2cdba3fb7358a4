"""Plugin configurations: a plugin's hyperparameters as scikit-learn parameters.

A plugin (sharing architecture, loss weighting, linear penalty) has two parts: a
configuration, a small :class:`~sklearn.base.BaseEstimator` that holds the
hyperparameters and declares their ``_parameter_constraints``, and the object it
builds at fit time from the data's sizes (a :class:`torch.nn.Module` or a
penalty). The estimators take the configuration as a parameter value, so
``get_params``, ``set_params``, ``clone`` and ``GridSearchCV`` reach its
hyperparameters as nested parameters (``sharing__n_experts``); the built object
never is a parameter, and building it leaves the configuration untouched.
"""

import warnings

from sklearn.base import BaseEstimator, clone


class PluginConfig(BaseEstimator):
    """Base class of the plugin configurations.

    A subclass sets the class attribute ``plugin`` (the class it builds), takes
    the plugin's own hyperparameters as keyword arguments of ``__init__`` (stored
    as given, as scikit-learn estimators do) and declares them in
    ``_parameter_constraints``. It is registered with the registry of its family
    by decorating it (``@ARCHITECTURES.register``).
    """

    #: The class built by :meth:`build`; its ``name`` is the registry name.
    plugin = None
    _parameter_constraints = {}

    def build(self, *args, **kwargs):
        """Validate the hyperparameters and return a new ``plugin`` object.

        Parameters
        ----------
        *args, **kwargs
            What the fit knows and the configuration does not (sizes, the
            estimator's shared settings), passed to ``plugin`` with the
            hyperparameters.

        Returns
        -------
        plugin : object
            ``plugin(*args, **kwargs, **hyperparameters)``, built from copies of
            the hyperparameters: the fitted object shares no mutable value with
            this configuration.
        """
        self._validate_params()
        params = clone(self).get_params(deep=False)
        return self.plugin(*args, **kwargs, **params)


def build_plugin(registry, spec, params_name, params, *args, **kwargs):
    """Build the plugin that an estimator parameter names; errors name the parameter.

    Parameters
    ----------
    registry : Registry
        The family's registry.
    spec : str, PluginConfig or type
        The estimator parameter's value: a registered name, a configuration, or
        a plugin class (a registered one is configured through its
        configuration; another is called directly).
    params_name : str
        The deprecated estimator parameter holding a dict of hyperparameters
        (``"sharing_params"``).
    params : dict or None
        Its value; a FutureWarning when set.
    *args, **kwargs
        Passed to :meth:`PluginConfig.build`.

    Returns
    -------
    plugin : object
        The built plugin.
    """
    parameter = registry.parameter
    if params is not None:
        config_class = registry.config_class(spec)
        example = "<the plugin's configuration class>"
        if config_class is not None:
            example = config_class.__name__
        warnings.warn(
            f"{params_name} is deprecated and will be removed in the next release: "
            f"give the hyperparameters to the configuration instead, "
            f"{parameter}={example}(**{params!r}).",
            FutureWarning,
            stacklevel=5,
        )
    params = dict(params or {})
    clash = sorted(set(params) & set(kwargs))
    if clash:
        raise ValueError(
            f"{params_name} may not set {clash}: they are estimator parameters of "
            "their own."
        )
    config = registry.config(spec)
    if config is None:
        return _call_plugin_class(spec, params_name, params, *args, **kwargs)
    if params:
        unknown = sorted(set(params) - set(config.get_params(deep=False)))
        if unknown:
            raise TypeError(
                f"{params_name}={params!r} does not fit {config.plugin.__name__}: "
                f"unknown hyperparameters {unknown}; it takes "
                f"{sorted(config.get_params(deep=False))}."
            )
        config.set_params(**params)
    try:
        return config.build(*args, **kwargs)
    except ValueError as error:
        where = f"{params_name}={params!r}" if params else parameter
        raise type(error)(f"{where}: {error}") from error


def _call_plugin_class(cls, params_name, params, *args, **kwargs):
    """Instantiate a plugin class that has no registered configuration."""
    try:
        return cls(*args, **kwargs, **params)
    except TypeError as error:
        raise TypeError(
            f"{params_name}={params!r} does not fit {cls.__name__}: {error}"
        ) from error
    except ValueError as error:
        raise ValueError(f"{params_name}={params!r}: {error}") from error
