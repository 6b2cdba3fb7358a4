"""A name -> configuration registry for the plugin families."""

from skmtl.utils._plugin import PluginConfig


class Registry:
    """Map registry names to plugin configurations whose plugins share one base class.

    Each plugin file registers its configuration (a
    :class:`~skmtl.utils._plugin.PluginConfig` subclass) by decorating it with
    :meth:`register`; the registry name is ``config.plugin.name``.

    Parameters
    ----------
    kind : str
        What the registry holds, used in error messages (``"sharing architecture"``).
    base : type
        The class every registered plugin must derive from.
    parameter : str
        The estimator parameter that takes these names (``"sharing"``), used in
        error messages.

    Examples
    --------
    >>> from skmtl.architectures import ARCHITECTURES
    >>> "hard" in ARCHITECTURES
    True
    >>> ARCHITECTURES.resolve("hard").__name__
    'HardSharing'
    >>> ARCHITECTURES.config("mmoe")
    MultiGateMixtureOfExpertsConfig()
    """

    def __init__(self, kind, base, parameter):
        self.kind = kind
        self.base = base
        self.parameter = parameter
        self._configs = {}

    def register(self, config_class):
        """Register ``config_class`` under its plugin's ``name`` and return it.

        Usable as a class decorator. Registering a second configuration under a
        taken name raises a ValueError, so a plugin cannot silently replace
        another.
        """
        plugin = getattr(config_class, "plugin", None)
        if not (
            isinstance(config_class, type)
            and issubclass(config_class, PluginConfig)
            and isinstance(plugin, type)
            and issubclass(plugin, self.base)
        ):
            raise TypeError(
                f"A {self.kind} is registered through its configuration: a "
                f"PluginConfig subclass whose plugin is a subclass of "
                f"{self.base.__name__}, got {config_class!r}."
            )
        name = plugin.name
        if not isinstance(name, str) or not name:
            raise ValueError(
                f"A {self.kind} needs a non-empty string name, got {name!r}."
            )
        taken = self._configs.get(name)
        if taken is not None and taken is not config_class:
            raise ValueError(
                f"The {self.kind} name {name!r} is already taken by "
                f"{taken.plugin.__name__}."
            )
        self._configs[name] = config_class
        return config_class

    def names(self):
        """Return the registered names, in registration order."""
        return list(self._configs)

    def config_classes(self):
        """Return the registered configuration classes, in registration order."""
        return list(self._configs.values())

    def resolve(self, spec):
        """Return the plugin class for ``spec``: a name, a configuration or a class."""
        if isinstance(spec, str):
            return self._named(spec).plugin
        if isinstance(spec, PluginConfig) or (
            isinstance(spec, type) and issubclass(spec, PluginConfig)
        ):
            if isinstance(spec.plugin, type) and issubclass(spec.plugin, self.base):
                return spec.plugin
        elif isinstance(spec, type) and issubclass(spec, self.base):
            return spec
        raise TypeError(
            f"{self.parameter} must be a registered name {sorted(self._configs)}, "
            f"a configuration of a {self.kind} or a subclass of "
            f"{self.base.__name__}, got {spec!r}."
        )

    def config_class(self, spec):
        """Return the configuration class of ``spec``, or None if it has none.

        A plugin class registered through its configuration has one; a plugin
        class that was never registered (or a subclass of a registered one) has
        none.
        """
        plugin = self.resolve(spec)
        if isinstance(spec, PluginConfig):
            return type(spec)
        if isinstance(spec, type) and issubclass(spec, PluginConfig):
            return spec
        for config_class in self._configs.values():
            if config_class.plugin is plugin:
                return config_class
        return None

    def config(self, spec):
        """Return a new configuration for ``spec``, or None for a bare plugin class.

        A name gives its default configuration; a configuration gives a clone
        (the caller's object is never modified); a registered plugin class gives
        its configuration's defaults.
        """
        if isinstance(spec, PluginConfig):
            self.resolve(spec)
            return spec.__sklearn_clone__()
        config_class = self.config_class(spec)
        return None if config_class is None else config_class()

    def _named(self, name):
        try:
            return self._configs[name]
        except KeyError:
            raise ValueError(
                f"Unknown {self.kind} {self.parameter}={name!r}; expected one of "
                f"{sorted(self._configs)}, a configuration of a {self.kind} or a "
                f"subclass of {self.base.__name__}."
            ) from None

    def __contains__(self, name):
        return name in self._configs

    def __iter__(self):
        return iter(self._configs)

    def __len__(self):
        return len(self._configs)
