"""Console entry point: ``kxplan`` and ``python -m kxplan``."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command line; answer ``--version`` without importing the CLI stack."""
    if sys.argv[1:] == ["--version"]:
        from kxplan import __version__

        sys.stdout.write(f"kxplan {__version__}\n")
        return
    from kxplan.cli import run

    run()


if __name__ == "__main__":
    main()
