"""
Mixed task types on Adult: income, marital status, hours worked
===============================================================

For each person in the UCI Adult census data we predict three things of three
types: whether the income is over 50K (binary), the marital status (7 classes)
and the hours worked per week (a number).
:class:`~skmtl.MultiTaskMixedEstimator` learns them in one network: it infers
each task's type from its values, gives each its loss (cross-entropy, squared
error on standardized targets) and predicts each column with its own dtype. We
compare it with the model a user would otherwise fit: one gradient-boosted model
per task. A few thousand rows keep the example fast;
``benchmarks/quality/mixed_adult.py`` runs the full official split.

The data is read from the folder named by the ``SKMTL_DATA`` environment
variable (see :func:`~skmtl.datasets.load_adult_multitask`). Without it, the
example runs on generated tasks instead and says so.
"""

# %%
# Three tasks, three types
# ------------------------
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.metrics import accuracy_score, r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skmtl import MultiTaskMixedEstimator
from skmtl.datasets import load_adult_multitask, make_multitask_regression

try:
    X, Y = load_adult_multitask(
        subset="train", tasks="mixed", as_frame=True, return_X_y=True
    )
    X, Y = X.iloc[:4000], Y.iloc[:4000]
except FileNotFoundError:
    print(
        "The Adult data was not found (set SKMTL_DATA to the folder holding "
        "adult.csv.gz): using generated data instead."
    )
    features, targets = make_multitask_regression(
        n_samples=4000, n_features=8, n_tasks=3, random_state=0
    )
    X = pd.DataFrame(features, columns=[f"x{j}" for j in range(8)])
    Y = pd.DataFrame(
        {
            "income_over_50k": (targets[:, 0] > np.median(targets[:, 0])).astype(int),
            "marital_status": pd.cut(
                targets[:, 1], 3, labels=["single", "married", "divorced"]
            ).astype(str),
            "hours_per_week": targets[:, 2],
        }
    )
train, test = np.arange(len(X)) < 3000, np.arange(len(X)) >= 3000
print(Y.dtypes)

# %%
# One network for the three tasks
# -------------------------------
# Numeric columns are standardized and categorical ones one-hot encoded in
# front of the network. ``task_types_`` shows what the estimator inferred.
network = make_pipeline(
    make_column_transformer(
        (StandardScaler(), make_column_selector(dtype_include="number")),
        (
            OneHotEncoder(handle_unknown="ignore"),
            make_column_selector(dtype_exclude="number"),
        ),
    ),
    MultiTaskMixedEstimator(max_epochs=30, random_state=0, n_threads=1),
).fit(X[train], Y[train])
print(network[-1].task_types_)
predicted = network.predict(X[test])
print(predicted.dtypes)


# %%
# Against one gradient-boosted model per task
# -------------------------------------------
# Each task's own metric: accuracy for the two classification tasks, R² for the
# hours. The boosting models read the raw columns (categories natively).
def boosting(task):
    kind = HistGradientBoostingRegressor
    if network[-1].task_types_[task] != "regression":
        kind = HistGradientBoostingClassifier
    return kind(categorical_features="from_dtype", random_state=0)


def score(task, truth, prediction):
    if network[-1].task_types_[task] == "regression":
        return r2_score(truth, prediction.astype(float))
    return accuracy_score(truth, prediction)


scores = {"mixed network": {}, "HistGB per task": {}}
for task in Y.columns:
    single = boosting(task).fit(X[train], Y[task][train])
    scores["HistGB per task"][task] = score(
        task, Y[task][test], single.predict(X[test])
    )
    scores["mixed network"][task] = score(task, Y[task][test], predicted[task])
table = pd.DataFrame(scores).round(3)
print(table)

# %%
table.plot.bar(rot=0, ylabel="test score (accuracy or R²)")
plt.tight_layout()
plt.show()
