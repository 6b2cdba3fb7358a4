"""Command line entry point: ``python -m skmtl demo`` (also the ``skmtl`` script)."""

import argparse


def main(argv=None):
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(
        prog="skmtl", description="Multi-task learning for scikit-learn."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "demo",
        help="compare multi-task against single-task learning on embedded data and "
        "print per-task tables",
    )
    args = parser.parse_args(argv)
    if args.command == "demo":
        from skmtl._demo import main as demo

        demo()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
