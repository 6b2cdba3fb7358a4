"""A name -> class registry for the plugin axes (architectures, loss weightings)."""


class Registry:
    """Map registry names to plugin classes that share one base class.

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
    """

    def __init__(self, kind, base, parameter):
        self.kind = kind
        self.base = base
        self.parameter = parameter
        self._classes = {}

    def register(self, cls, name=None):
        """Register ``cls`` under ``name`` (default: ``cls.name``) and return it.

        Usable as a class decorator. Registering a second class under a taken name
        raises a ValueError, so a plugin cannot silently replace another.
        """
        if not (isinstance(cls, type) and issubclass(cls, self.base)):
            raise TypeError(
                f"A {self.kind} must be a subclass of {self.base.__name__}, "
                f"got {cls!r}."
            )
        name = cls.name if name is None else name
        if not isinstance(name, str) or not name:
            raise ValueError(
                f"A {self.kind} needs a non-empty string name, got {name!r}."
            )
        if name in self._classes and self._classes[name] is not cls:
            raise ValueError(
                f"The {self.kind} name {name!r} is already taken by "
                f"{self._classes[name].__name__}."
            )
        self._classes[name] = cls
        return cls

    def names(self):
        """Return the registered names, in registration order."""
        return list(self._classes)

    def resolve(self, spec):
        """Return the class for ``spec``: a registered name or a plugin class."""
        if isinstance(spec, str):
            try:
                return self._classes[spec]
            except KeyError:
                raise ValueError(
                    f"Unknown {self.kind} {self.parameter}={spec!r}; expected one of "
                    f"{sorted(self._classes)} or a subclass of {self.base.__name__}."
                ) from None
        if isinstance(spec, type) and issubclass(spec, self.base):
            return spec
        raise TypeError(
            f"{self.parameter} must be a registered name {sorted(self._classes)} or "
            f"a subclass of {self.base.__name__}, got {spec!r}."
        )

    def __contains__(self, name):
        return name in self._classes

    def __iter__(self):
        return iter(self._classes)

    def __len__(self):
        return len(self._classes)
