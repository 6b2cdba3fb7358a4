"""Where the "?" of a notebook's estimator diagram points: skmtl's API pages.

scikit-learn's HTML representation of an estimator links each box to the
estimator's API page, built from ``_doc_link_module`` (the package the link is
for) and ``_doc_link_template`` (the page's URL); its defaults send every
estimator to scikit-learn's documentation, where skmtl's pages do not exist.
"""

# The documentation's address: the page of a public estimator ``Name`` is
# ``DOCS_URL + "generated/skmtl.Name.html"`` (docs/api.rst documents every public
# estimator under the ``skmtl`` module, and autosummary names the pages so).
DOCS_URL = "https://skmtl.readthedocs.io/en/latest/"


class DocLinkMixin:
    """Point the HTML representation's documentation link at skmtl's API page.

    Place it to the left of ``BaseEstimator``: its attributes replace
    scikit-learn's ``_doc_link_module`` and ``_doc_link_template``.
    """

    _doc_link_module = "skmtl"
    _doc_link_template = DOCS_URL + "generated/skmtl.{estimator_name}.html"
