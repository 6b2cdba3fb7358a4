"""The Python example in the README runs as written."""

import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_blocks_run():
    pytest.importorskip("pandas")
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "the README should show Python usage"
    for block in blocks:
        exec(compile(block, str(README), "exec"), {})


def test_readme_quick_start_has_exactly_two_commands():
    text = README.read_text()
    quick_start = text.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"```bash\n(.*?)```", quick_start, flags=re.S)[0]
    lines = [line for line in commands.splitlines() if line.strip()]
    assert [line.split("#")[0].strip() for line in lines] == ["make demo", "make test"]
