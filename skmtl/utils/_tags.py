"""The scikit-learn tags every multi-task estimator declares."""


def multi_task_tags(tags, *, sparse):
    """Set the tags of a multi-task estimator on ``tags`` and return them.

    Parameters
    ----------
    tags : sklearn.utils.Tags
        The tags from the parent class.
    sparse : bool
        Whether the estimator takes SciPy sparse ``X``.

    Returns
    -------
    tags : sklearn.utils.Tags
        ``tags``: multi-output and single-output targets, no NaN in ``X``.
    """
    tags.target_tags.multi_output = True
    tags.target_tags.single_output = True
    tags.input_tags.allow_nan = False
    tags.input_tags.sparse = sparse
    return tags
