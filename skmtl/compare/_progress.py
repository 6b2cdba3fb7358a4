"""A tqdm progress bar for long comparisons."""


class FitProgress:
    """Show the fits of a comparison as a tqdm bar, with elapsed time and ETA.

    Usable as the ``progress`` argument of :func:`compare_models`: each call
    ``progress(done, total, description)`` moves the bar to ``done`` of
    ``total`` fits and shows the description (fold and model); the bar is
    closed when ``done == total``.

    Parameters
    ----------
    file : file object, default=None
        Where to draw; None: ``sys.stderr``.
    **tqdm_params
        Passed to :class:`tqdm.tqdm` (e.g. ``mininterval``).

    Examples
    --------
    >>> import io
    >>> from skmtl.compare._progress import FitProgress
    >>> stream = io.StringIO()
    >>> progress = FitProgress(stream)
    >>> progress(0, 2, "fold 1/2: pooled")
    >>> progress(2, 2, "done")
    >>> "2/2" in stream.getvalue()
    True
    """

    def __init__(self, file=None, **tqdm_params):
        self.file = file
        self.tqdm_params = tqdm_params
        self._bar = None

    def __call__(self, done, total, description=""):
        """Move the bar to ``done`` of ``total`` fits."""
        from tqdm import tqdm

        if self._bar is None:
            self._bar = tqdm(
                total=total, desc="compare", unit="fit", file=self.file,
                **self.tqdm_params,
            )  # fmt: skip
        self._bar.set_postfix_str(description, refresh=False)
        self._bar.update(done - self._bar.n)
        if done >= total:
            self._bar.close()
            self._bar = None
