import numpy as np
import pytest

from skmtl.datasets._arff import read_arff
from tests.datasets._files import write_arff


def test_tiny_file(tmp_path):
    path = tmp_path / "tiny.arff"
    write_arff(path)
    arff = read_arff(path)
    assert arff.relation == "tiny relation"
    assert arff.names == ["first input", "colour", "x3", "target one", "target_2"]
    assert arff.kinds == ["numeric", "nominal", "numeric", "numeric", "numeric"]
    assert arff.categories == {"colour": ["red", "dark blue", "green"]}
    np.testing.assert_array_equal(arff.columns[0], [1.5, -2, np.nan, 7])
    np.testing.assert_array_equal(arff.columns[1], [0, 1, 2, 2])
    np.testing.assert_array_equal(arff.columns[2], [np.nan, 0.3, 4, 0])
    np.testing.assert_array_equal(arff.columns[3], [10, 20, 30, 40])
    np.testing.assert_array_equal(arff.columns[4], [1, 2, 3, 0])


def test_string_and_date_attributes(tmp_path):
    path = tmp_path / "strings.arff"
    write_arff(
        path,
        "@RELATION r\n@ATTRIBUTE name string\n"
        '@ATTRIBUTE "when" date "yyyy-MM-dd"\n@ATTRIBUTE v NUMERIC\n@DATA\n'
        "'a, b',2020-01-02,1\n?,?,2\n",
    )
    arff = read_arff(path)
    assert arff.kinds == ["string", "date", "numeric"]
    assert arff.columns[0].tolist() == ["a, b", None]
    assert arff.columns[1].tolist() == ["2020-01-02", None]


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("@attribute a numeric\n@data\n1,2\n", "line 4: 2 values, but 1 attributes"),
        ("@attribute a numeric\n@data\nx\n", "numeric attribute 'a' has the value 'x'"),
        ("@attribute a {p,q}\n@data\nr\n", "nominal attribute 'a' has the value 'r'"),
        ("@attribute a relational\n@data\n", "attribute 'a' has type 'relational'"),
        ("@attribute a numeric\n", "no @data section"),
        ("hello\n", "expected @relation"),
    ],
)
def test_errors_name_the_file_and_fault(tmp_path, body, match):
    path = tmp_path / "bad.arff"
    write_arff(path, "@relation r\n" + body)
    with pytest.raises(ValueError, match=match) as info:
        read_arff(path)
    assert "bad.arff" in str(info.value)
