"""A small reader for Weka ARFF files, as used by the Mulan data sets.

:func:`scipy.io.arff.loadarff` rejects string attributes and some quoted
names, and returns a structured array; this reader handles dense and sparse
data, quoted names and values, nominal, numeric, string and date attributes,
and ``?`` for a missing value.
"""

from dataclasses import dataclass, field

import numpy as np

_NUMERIC = {"numeric", "real", "integer"}


@dataclass
class ArffData:
    """The contents of an ARFF file.

    Parameters
    ----------
    relation : str
        The relation name.
    names : list of str
        The attribute names, in file order.
    kinds : list of str
        The kind of each attribute: ``"numeric"``, ``"nominal"``, ``"string"``
        or ``"date"``.
    categories : dict of str to list of str
        The declared values of each nominal attribute.
    columns : list of ndarray
        One array per attribute: float64 for numeric attributes, float64
        integer codes into ``categories`` for nominal ones, object (str) for
        string and date ones. A missing value is NaN, or None in an object
        array.
    """

    relation: str
    names: list = field(default_factory=list)
    kinds: list = field(default_factory=list)
    categories: dict = field(default_factory=dict)
    columns: list = field(default_factory=list)


def _unquote(token):
    token = token.strip()
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "'\"":
        inner = token[1:-1]
        return inner.replace("\\" + token[0], token[0]).replace("\\\\", "\\")
    return token


def _split_values(text):
    """Split a comma-separated ARFF list, honouring quotes and escapes."""
    if "'" not in text and '"' not in text:
        return [value.strip() for value in text.split(",")]
    values, current, quote, escaped = [], [], None, False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\" and quote is not None:
            current.append(char)
            escaped = True
        elif quote is not None:
            current.append(char)
            if char == quote:
                quote = None
        elif char in "'\"":
            current.append(char)
            quote = char
        elif char == ",":
            values.append(_unquote("".join(current)))
            current = []
        else:
            current.append(char)
    values.append(_unquote("".join(current)))
    return values


def _split_name(text):
    """Split ``name rest`` where the name may be quoted."""
    text = text.strip()
    if text[:1] in ("'", '"'):
        quote, position = text[0], 1
        while position < len(text):
            if text[position] == "\\":
                position += 2
                continue
            if text[position] == quote:
                break
            position += 1
        return _unquote(text[: position + 1]), text[position + 1 :].strip()
    parts = text.split(None, 1)
    return parts[0], (parts[1].strip() if len(parts) > 1 else "")


def _parse_attribute(path, number, text, arff):
    name, kind = _split_name(text)
    lowered = kind.lower()
    if kind.startswith("{") and kind.endswith("}"):
        arff.kinds.append("nominal")
        arff.categories[name] = _split_values(kind[1:-1])
    elif lowered in _NUMERIC:
        arff.kinds.append("numeric")
    elif lowered == "string":
        arff.kinds.append("string")
    elif lowered.startswith("date"):
        arff.kinds.append("date")
    else:
        raise ValueError(
            f"{str(path)!r}, line {number}: attribute {name!r} has type {kind!r}; "
            "expected numeric, real, integer, string, date or a {nominal} list."
        )
    arff.names.append(name)


def _parse_sparse(path, number, text, defaults):
    row = list(defaults)
    inner = text.strip()[1:-1].strip()
    if not inner:
        return row
    for item in _split_values(inner):
        index, _, value = item.strip().partition(" ")
        try:
            row[int(index)] = _unquote(value)
        except (ValueError, IndexError):
            raise ValueError(
                f"{str(path)!r}, line {number}: bad sparse entry {item!r}."
            ) from None
    return row


def _convert(path, arff, name, kind, values):
    if kind == "numeric":
        try:
            return np.array(
                ["nan" if value == "?" else value for value in values], dtype=float
            )
        except ValueError:
            bad = next(v for v in values if v != "?" and not _is_float(v))
            raise ValueError(
                f"{str(path)!r}: numeric attribute {name!r} has the value {bad!r}."
            ) from None
    if kind == "nominal":
        codes = {value: code for code, value in enumerate(arff.categories[name])}
        column = np.empty(len(values))
        for row, value in enumerate(values):
            if value == "?":
                column[row] = np.nan
            elif value in codes:
                column[row] = codes[value]
            else:
                raise ValueError(
                    f"{str(path)!r}: nominal attribute {name!r} has the value "
                    f"{value!r}, not one of its declared values "
                    f"{arff.categories[name]}."
                )
        return column
    column = np.empty(len(values), dtype=object)
    column[:] = [None if value == "?" else value for value in values]
    return column


def _is_float(value):
    try:
        float(value)
    except ValueError:
        return False
    return True


def read_arff(path):
    """Read an ARFF file.

    Parameters
    ----------
    path : pathlib.Path
        The ``.arff`` file (UTF-8).

    Returns
    -------
    arff : ArffData
        The relation, attributes and one array per attribute.

    Raises
    ------
    ValueError
        When the file is not valid ARFF; the message names the file, and the
        line or attribute at fault.
    """
    arff = ArffData(relation="")
    rows, defaults = [], []
    in_data = False
    with open(path, encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            text = line.strip()
            if not text or text.startswith("%"):
                continue
            if in_data:
                if text.startswith("{"):
                    row = _parse_sparse(path, number, text, defaults)
                else:
                    row = _split_values(text)
                if len(row) != len(arff.names):
                    raise ValueError(
                        f"{str(path)!r}, line {number}: {len(row)} values, but "
                        f"{len(arff.names)} attributes are declared."
                    )
                rows.append(row)
                continue
            keyword = text.split(None, 1)[0].lower()
            if keyword == "@relation":
                arff.relation = _unquote(text[len(keyword) :])
            elif keyword == "@attribute":
                _parse_attribute(path, number, text[len(keyword) :], arff)
            elif keyword == "@data":
                in_data = True
                # Sparse rows omit zeros; a nominal zero is its first value.
                defaults = [
                    arff.categories[name][0] if kind == "nominal" else "0"
                    for name, kind in zip(arff.names, arff.kinds)
                ]
            else:
                raise ValueError(
                    f"{str(path)!r}, line {number}: expected @relation, "
                    f"@attribute or @data, found {text[:40]!r}."
                )
    if not in_data:
        raise ValueError(f"{str(path)!r} has no @data section; is it an ARFF file?")
    columns = list(zip(*rows)) if rows else [()] * len(arff.names)
    arff.columns = [
        _convert(path, arff, name, kind, list(values))
        for name, kind, values in zip(arff.names, arff.kinds, columns)
    ]
    return arff
