"""Task ids of the long layout mapped to task indices, row by row or per distinct id."""

import numpy as np
import pytest

from skmtl._layout import _ROWS_PER_LOOKUP, encode_tasks

N_ROWS = 3 * _ROWS_PER_LOOKUP  # above the threshold: one lookup per distinct id


@pytest.mark.parametrize(
    "names",
    [
        np.array([3, 7, 11]),
        np.array(["north", "south", "west"], dtype=object),
        np.array([1, "b", 2.5], dtype=object),  # unorderable: row by row
    ],
)
def test_many_rows_encode_like_one_row_at_a_time(names):
    rng = np.random.default_rng(0)
    values = names[rng.integers(0, len(names), N_ROWS)]
    many = encode_tasks(values, names)
    one_by_one = np.concatenate(
        [encode_tasks(values[i : i + 1], names) for i in range(N_ROWS)]
    )
    np.testing.assert_array_equal(many, one_by_one)
    np.testing.assert_array_equal(names[many], values)


def test_many_rows_with_unknown_ids_name_them():
    values = np.array(["a"] * N_ROWS, dtype=object)
    values[[5, 9]] = ["zz", "yy"]
    with pytest.raises(ValueError, match=r"Unknown task ids \['zz', 'yy'\]"):
        encode_tasks(values, np.array(["a", "b"], dtype=object))
