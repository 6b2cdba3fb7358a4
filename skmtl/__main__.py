"""Command line entry point: ``python -m skmtl`` (also the ``skmtl`` script).

Commands: ``demo`` (multi-task vs single-task on embedded data) and ``compare``
(the same comparison on a CSV file).
"""

import argparse

from skmtl.compare._cli import add_parser as add_compare_parser
from skmtl.compare._cli import run as run_compare


def main(argv=None):
    """Parse the command line and run the chosen command.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments; None reads ``sys.argv``.

    Returns
    -------
    status : int
        The exit status (errors in the arguments or the data exit with 2).
    """
    parser = argparse.ArgumentParser(
        prog="skmtl", description="Multi-task learning for scikit-learn."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "demo",
        help="compare multi-task against single-task learning on embedded data and "
        "print per-task tables",
    )
    compare = add_compare_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "compare":
        return run_compare(args, compare)
    from skmtl._demo import main as demo

    demo()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
