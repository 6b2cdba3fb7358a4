"""A plain-text progress bar for long comparisons."""

import sys


class TextProgress:
    r"""Draw ``[#####.....] done/total description`` on one line of a stream.

    Usable as the ``progress`` argument of :func:`compare_models`. The line is
    redrawn in place (carriage return) and ended when ``done == total``.

    Parameters
    ----------
    stream : file object, default=None
        Where to draw; None means ``sys.stderr`` at call time.
    width : int, default=30
        Number of characters of the bar.

    Examples
    --------
    >>> import io
    >>> from skmtl.compare._progress import TextProgress
    >>> stream = io.StringIO()
    >>> TextProgress(stream, width=4)(1, 2, "fold 1/2")
    >>> stream.getvalue()
    '\r[##..] 1/2 fold 1/2'
    """

    def __init__(self, stream=None, width=30):
        self.stream = stream
        self.width = width
        self._length = 0

    def __call__(self, done, total, description=""):
        """Redraw the bar for ``done`` of ``total`` steps."""
        stream = sys.stderr if self.stream is None else self.stream
        filled = self.width * done // total if total else self.width
        text = f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}"
        if description:
            text += f" {description}"
        stream.write("\r" + text.ljust(self._length))
        self._length = len(text)
        if done >= total:
            stream.write("\n")
        stream.flush()
