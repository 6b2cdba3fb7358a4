import pytest

from skmtl.datasets import get_data_home, load_school
from skmtl.datasets._home import find_data_files, import_pandas

OPTIONS = [(("a.mat",), "published"), (("a.npz",), "shared copy")]


def test_data_home_argument_wins_over_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SKMTL_DATA", "/somewhere/else")
    assert get_data_home(tmp_path) == tmp_path
    assert str(get_data_home()) == "/somewhere/else"


def test_no_data_home(monkeypatch):
    monkeypatch.delenv("SKMTL_DATA", raising=False)
    assert get_data_home() is None
    with pytest.raises(FileNotFoundError) as info:
        load_school()
    message = str(info.value)
    assert "SKMTL_DATA" in message
    assert "data_home" in message
    assert "school.mat" in message and "school.npz" in message
    assert "github.com/jiayuzhou/MALSAR" in message


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        find_data_files("A", OPTIONS, data_home=tmp_path / "nope")


def test_missing_files_names_files_folder_and_source(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        find_data_files("A", OPTIONS, data_home=tmp_path, published="http://a.org")
    message = str(info.value)
    for part in ("'a.mat'", "'a.npz'", str(tmp_path), "http://a.org", "A data set"):
        assert part in message


def test_first_complete_option_wins(tmp_path):
    (tmp_path / "a.npz").touch()
    paths, option = find_data_files("A", OPTIONS, data_home=tmp_path)
    assert (paths, option) == ([tmp_path / "a.npz"], 1)
    (tmp_path / "a.mat").touch()
    assert find_data_files("A", OPTIONS, data_home=tmp_path)[1] == 0


def test_import_pandas_names_the_loader(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"load_x\(as_frame=True\) needs pandas"):
        import_pandas("load_x")
