"""TaskKFold: K-fold cross-validation that keeps every task in every fold."""

import numpy as np
from sklearn.model_selection import BaseCrossValidator, KFold, StratifiedKFold

from skmtl._layout import read_task_column


class TaskKFold(BaseCrossValidator):
    """K-fold splitter for multi-task data, in either layout.

    Wide layout (``task_column=None``): shuffled :class:`~sklearn.model_selection.KFold`
    over the rows (every row carries every task). Long layout: the folds are
    stratified on the task column of ``X``, so each task has about the same share
    of its rows in every training and test fold; with ``stratify_labels=True``
    they are stratified on the pair (task, label) when every pair has at least
    ``n_splits`` rows, so that a classification task sees all its classes in
    every training fold.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2.
    task_column : int or str, default=None
        Long layout: the column of ``X`` (position, or name for a DataFrame)
        holding each row's task id. None: wide layout.
    stratify_labels : bool, default=False
        Long layout: also stratify on the label ``y`` within each task, when
        every (task, label) pair has at least ``n_splits`` rows.
    shuffle : bool, default=True
        Whether to shuffle the rows before splitting.
    random_state : int, RandomState instance or None, default=None
        Seed of the shuffling (used only when ``shuffle=True``).

    See Also
    --------
    sklearn.model_selection.StratifiedKFold : The splitter used in the long layout.
    skmtl.compare.compare_models : Cross-validates models on these folds.

    Examples
    --------
    >>> import numpy as np
    >>> from skmtl.compare import TaskKFold
    >>> X = np.column_stack([np.repeat([0, 1], 6), np.arange(12)])
    >>> splitter = TaskKFold(3, task_column=0, random_state=0)
    >>> [np.bincount(X[test, 0]).tolist() for _, test in splitter.split(X)]
    [[2, 2], [2, 2], [2, 2]]
    """

    def __init__(
        self,
        n_splits=5,
        *,
        task_column=None,
        stratify_labels=False,
        shuffle=True,
        random_state=None,
    ):
        self.n_splits = n_splits
        self.task_column = task_column
        self.stratify_labels = stratify_labels
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None):
        """Return the number of folds.

        Parameters
        ----------
        X, y, groups : object
            Ignored; present for API compatibility.

        Returns
        -------
        n_splits : int
            The number of folds.
        """
        return self.n_splits

    def split(self, X, y=None, groups=None):
        """Generate the indices of the training and test rows of each fold.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The features, with the task column in the long layout.
        y : array-like of shape (n_samples,) or (n_samples, n_tasks), default=None
            The labels; used only with ``stratify_labels=True``.
        groups : None
            Ignored; present for API compatibility.

        Yields
        ------
        train : ndarray
            The training row positions of the fold.
        test : ndarray
            The test row positions of the fold.
        """
        random_state = self.random_state if self.shuffle else None
        if self.task_column is None:
            splitter = KFold(
                self.n_splits, shuffle=self.shuffle, random_state=random_state
            )
            yield from splitter.split(X)
            return
        strata = self.strata(X, y)
        splitter = StratifiedKFold(
            self.n_splits, shuffle=self.shuffle, random_state=random_state
        )
        yield from splitter.split(np.zeros((len(strata), 1)), strata)

    def strata(self, X, y=None):
        """Return the stratum of each row: its task id, or its (task, label) pair.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The features, with the task column.
        y : array-like of shape (n_samples,), default=None
            The labels, used with ``stratify_labels=True``.

        Returns
        -------
        strata : ndarray of shape (n_samples,)
            Integer codes of the strata.
        """
        tasks = read_task_column(X, self.task_column)
        keys = [str(task) for task in tasks.tolist()]
        _, strata = np.unique(keys, return_inverse=True)
        if self.stratify_labels and y is not None:
            labels = np.asarray(y, dtype=object).ravel()
            pairs = [f"{key}\x00{label}" for key, label in zip(keys, labels.tolist())]
            _, paired = np.unique(pairs, return_inverse=True)
            if np.bincount(paired).min() >= self.n_splits:
                strata = paired
        return strata
