"""fill_doc: shared docstring sections, filled once per class."""

import inspect

import pytest
from sklearn.utils.metaestimators import available_if

from skmtl.utils._docstrings import fill_doc


def test_class_decorator_fills_methods_and_available_if_methods():
    @fill_doc(section="x : int\n    The value.")
    class Owner:
        """Owner.

        %(section)s
        """

        def plain(self):
            """Plain.

            %(section)s
            """

        @available_if(lambda self: True)
        def conditional(self):
            """Conditional.

            %(section)s
            """

    for method in (Owner, Owner.plain, Owner.conditional, Owner().conditional):
        assert "x : int\n    The value." in inspect.getdoc(method)
    assert "%(" not in vars(Owner)["conditional"].__doc__


def test_unknown_section_is_an_error():
    with pytest.raises(KeyError, match="names no section 'missing'"):

        @fill_doc()
        def function():
            """Function.

            %(missing)s
            """
