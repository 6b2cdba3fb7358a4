"""The metric names and the winner rule, as the result's table and JSON say them."""

METRIC_LABELS = {"r2": "R²", "accuracy": "accuracy", "mixed": "score"}
#: The metric of each task type of targets of mixed types.
TYPE_METRICS = {"regression": "r2", "classification": "accuracy"}
ERRORS = {
    "r2": "1 - R²",
    "accuracy": "1 - accuracy",
    "mixed": "1 - R² or 1 - accuracy by the task's metric",
}

#: How a winner is decided, in words (shown under the table and in the JSON).
NOISE_RULE = (
    "A model is named best (on a task, or overall) only when its paired fold "
    "differences with the runner-up pass the corrected resampled t-test at the "
    "5% level (Nadeau & Bengio 2003: standard error std * sqrt(1/K + "
    "n_test/n_train), K - 1 degrees of freedom); otherwise the difference is "
    "within fold noise and no model is named."
)
