"""ChainEnsembleRegressor and ChainEnsembleClassifier: ensembles of task chains.

Ensemble of regressor chains (ERC) of E. Spyromitros-Xioufis, G. Tsoumakas,
W. Groves and I. Vlahavas, "Multi-target regression via input space expansion:
treating targets as inputs", Machine Learning 104(1), 55-98, 2016, in its
out-of-sample variant (chain inputs from out-of-fold estimates), itself an
adaptation of the classifier chains of Read et al. (2011).
"""

import itertools
import math
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.parallel import Parallel, delayed

from skmtl.ensemble._base import (
    _TaskClassifierMixin,
    _TaskRegressorMixin,
    fit_clone,
    task_fit_params,
    task_subject,
)
from skmtl.ensemble._columns import append_columns, take_rows
from skmtl.ensemble._docs import SECTIONS
from skmtl.ensemble._out_of_fold import (
    _BaseOutOfFoldEnsemble,
    check_response_method,
    fit_out_of_fold,
    split_seed,
)
from skmtl.utils._docstrings import fill_doc
from skmtl.utils._sklearn_compat import Interval, _num_samples


def chain_orders(n_tasks, n_chains, random_state):
    """Return ``n_chains`` distinct random task orders, or all when fewer exist.

    Returns
    -------
    orders : ndarray of shape (n_orders, n_tasks)
        One permutation of ``range(n_tasks)`` per row, with ``n_orders =
        min(n_chains, n_tasks!)``.
    """
    rng = check_random_state(random_state)
    if math.factorial(n_tasks) <= n_chains:
        orders = list(itertools.permutations(range(n_tasks)))
        return np.asarray(orders)[rng.permutation(len(orders))]
    orders = []
    while len(orders) < n_chains:
        order = tuple(rng.permutation(n_tasks).tolist())
        if order not in orders:
            orders.append(order)
    return np.asarray(orders)


class _BaseChainEnsemble(_BaseOutOfFoldEnsemble):
    """Chains of per-task models in random orders, their outputs averaged."""

    _parameter_constraints = {
        **_BaseOutOfFoldEnsemble._parameter_constraints,
        "n_chains": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        estimator,
        *,
        n_chains=10,
        cv=5,
        random_state=None,
        task_column=None,
        n_jobs=None,
    ):
        super().__init__(
            estimator,
            cv=cv,
            random_state=random_state,
            task_column=task_column,
            n_jobs=n_jobs,
        )
        self.n_chains = n_chains

    def _fit(self, X, tasks, fit_params):
        check_response_method(self)
        rng = check_random_state(self.random_state)
        self.orders_ = chain_orders(self.n_tasks_, self.n_chains, rng)
        seed = split_seed(
            self.random_state if isinstance(self.random_state, Integral) else rng
        )
        self.estimators_ = Parallel(n_jobs=self.n_jobs)(
            delayed(self._fit_chain)(order, X, tasks, fit_params, seed)
            for order in self.orders_
        )

    def _fit_chain(self, order, X, tasks, fit_params, seed):
        """Fit the models of one chain, in its order; return them in that order.

        ``seed`` seeds the shuffled inner split of an int ``cv``, the same in
        every chain.
        """
        n_samples = _num_samples(X)
        # trained_later[p]: the rows some model after position p is trained on.
        # Only there must position p's estimates be out-of-fold.
        trained_later = [None] * len(order)
        seen = np.zeros(n_samples, dtype=bool)
        for position in reversed(range(len(order))):
            trained_later[position] = seen.copy()
            seen[tasks[order[position]].rows] = True

        models = []
        X_chain = X
        for position, t in enumerate(order[:-1]):
            task = tasks[t]
            fitted, responses = fit_out_of_fold(
                self,
                X_chain,
                {t: task},
                fit_params,
                out_of_fold={t: bool(trained_later[position][task.rows].any())},
                random_state=seed,
            )
            models.append(fitted[t])
            X_chain = append_columns(
                X_chain,
                self._response_features(responses[t], t),
                self._response_labels(t),
            )
        last = tasks[order[-1]]
        models.append(
            fit_clone(
                self.estimator,
                take_rows(X_chain, last.rows),
                last.y,
                task_fit_params(X, fit_params, last.rows),
                subject=task_subject(self, order[-1]),
            )
        )
        return models

    def _outputs(self, X, rows, method):
        totals = [0.0] * self.n_tasks_
        for order, models in zip(self.orders_, self.estimators_):
            X_chain = X
            for position, (t, model) in enumerate(zip(order, models)):
                response = self._estimator_response(model, X_chain, t)
                totals[t] = totals[t] + response
                if position < len(order) - 1:
                    X_chain = append_columns(
                        X_chain,
                        self._response_features(response, t),
                        self._response_labels(t),
                    )
        outputs = []
        for t, task_rows in enumerate(rows):
            if task_rows is None:
                outputs.append(None)
                continue
            mean = totals[t][task_rows] / len(self.orders_)
            outputs.append(self._decide(mean, t) if method == "predict" else mean)
        return outputs


@fill_doc(**SECTIONS)
class ChainEnsembleRegressor(_TaskRegressorMixin, _BaseChainEnsemble):
    r"""Ensemble of regressor chains: tasks predicted in random orders, averaged.

    A chain orders the tasks :math:`\pi_1, \dots, \pi_T`; its model for task
    :math:`\pi_j` (a clone of ``estimator``) takes the inputs extended with the
    estimates of the tasks before it,

    .. math::

        \hat y_{\pi_j}(x) = g_{\pi_j}\big(x, \hat y_{\pi_1}(x), \dots,
        \hat y_{\pi_{j-1}}(x)\big).

    A single chain depends on its order, so ``n_chains`` chains in random orders
    are fitted and their predictions averaged (ERC, Spyromitros-Xioufis et al.,
    2016). The estimates a model is trained on are out-of-fold (``cv``), which
    removes the train/predict discrepancy of chains trained on in-sample
    estimates; at predict time each chain runs its models fitted on all training
    rows.

    Parameters
    ----------
    estimator : estimator object
        A scikit-learn regressor (or a Pipeline ending in one), cloned for every
        model of every chain and every cross-validation fold.
    n_chains : int, default=10
        Number of chains, in distinct random orders. With fewer distinct orders
        (``n_tasks! < n_chains``, e.g. 2 tasks), each order is used once.
    %(cv_regressor)s
    %(chain_random_state_n_jobs)s

    Attributes
    ----------
    orders_ : ndarray of shape (n_orders, n_tasks)
        The task order of each chain (task indices into ``task_names_``).
    estimators_ : list of list of estimators
        For each chain, its models in chain order: ``estimators_[c][j]``
        predicts task ``orders_[c, j]`` from the features (without the task
        column in the long layout) followed by the estimates of the tasks
        ``orders_[c, :j]``, named ``pred(<task>)`` in a DataFrame.
    %(task_attributes)s

    See Also
    --------
    ChainEnsembleClassifier : The same for classification tasks.
    StackedTasksRegressor : Every task sees the estimates of all tasks.
    sklearn.multioutput.RegressorChain : One chain, without missing labels.

    Notes
    -----
    Missing labels (and the long layout, where each row has one task's label):
    each model is trained on the rows where its task is observed, and the
    cross-validation runs over those rows. Later models in the chain need the
    task's estimate on their own training rows: rows where the task's label is
    missing get the prediction of the model fitted on all observed rows, which
    never saw them. Out-of-fold estimates are computed only where a later model
    trains on the task's observed rows (never for the last task of a chain, nor
    in the long layout, where tasks share no rows).

    %(chain_cost_references)s

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from skmtl.ensemble import ChainEnsembleRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 3))
    >>> Y = np.column_stack([X[:, 0], X[:, 0] + X[:, 1], X[:, 2]])
    >>> model = ChainEnsembleRegressor(Ridge(), n_chains=4, cv=3, random_state=0)
    >>> model.fit(X, Y).orders_.shape
    (4, 3)
    >>> round(model.score(X, Y), 2)
    1.0
    """


@fill_doc(**SECTIONS)
class ChainEnsembleClassifier(_TaskClassifierMixin, _BaseChainEnsemble):
    """Ensemble of classifier chains: tasks predicted in random orders, averaged.

    A chain orders the tasks; its classifier for each task (a clone of
    ``estimator``) takes the inputs extended with the predicted probabilities
    of the tasks before it. ``n_chains`` chains in random orders are fitted and
    their probabilities averaged; ``predict`` is the argmax of the average (the
    ensemble of classifier chains of Read et al., with the out-of-fold chain
    inputs of Spyromitros-Xioufis et al., 2016). At predict time each chain runs
    its models fitted on all training rows.

    The chain inputs of a task are its predicted probabilities: one column, the
    probability of ``classes_[t][1]``, for a binary task; one column per class
    for a multiclass task. The base estimator needs ``predict_proba``.

    Parameters
    ----------
    estimator : estimator object
        A scikit-learn classifier with ``predict_proba`` (or a Pipeline ending in
        one), cloned for every model of every chain and every cross-validation
        fold.
    n_chains : int, default=10
        Number of chains, in distinct random orders. With fewer distinct orders
        (``n_tasks! < n_chains``, e.g. 2 tasks), each order is used once.
    %(cv_classifier)s
    %(chain_random_state_n_jobs)s

    Attributes
    ----------
    %(classes)s
    orders_ : ndarray of shape (n_orders, n_tasks)
        The task order of each chain (task indices into ``task_names_``).
    estimators_ : list of list of estimators
        For each chain, its models in chain order: ``estimators_[c][j]``
        predicts task ``orders_[c, j]`` from the features (without the task
        column in the long layout) followed by the probability columns of the
        tasks ``orders_[c, :j]``, named ``proba(<task>=<class>)`` in a
        DataFrame.
    %(task_attributes)s

    See Also
    --------
    ChainEnsembleRegressor : The same for regression tasks.
    StackedTasksClassifier : Every task sees the probabilities of all tasks.
    sklearn.multioutput.ClassifierChain : One chain, without missing labels.

    Notes
    -----
    Missing labels (and the long layout, where each row has one task's label):
    each model is trained on the rows where its task is observed, and the
    cross-validation runs over those rows. Later models in the chain need the
    task's probabilities on their own training rows: rows where the task's
    label is missing get the prediction of the model fitted on all observed
    rows, which never saw them. A cross-validation fold that lacks a class
    gives it probability 0.

    %(chain_cost_references)s

    J. Read, B. Pfahringer, G. Holmes and E. Frank, "Classifier chains for
    multi-label classification", Machine Learning 85(3), 333-359, 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmtl.ensemble import ChainEnsembleClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 3))
    >>> Y = np.column_stack([X[:, 0] > 0, X[:, 0] + X[:, 1] > 0]).astype(int)
    >>> model = ChainEnsembleClassifier(LogisticRegression(), cv=3, random_state=0)
    >>> model.fit(X, Y).orders_  # two tasks: both orders
    array([[1, 0],
           [0, 1]])
    >>> model.predict(X).shape
    (60, 2)
    """
