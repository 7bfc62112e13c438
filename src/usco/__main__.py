"""Entry point for the `usco` script and `python -m usco`.

Importing the CLI happens inside main() so that a Ctrl-C during start-up also ends
quietly with exit status 130 instead of a traceback.
"""

import sys


def main() -> None:
    try:
        from usco.cli import main as run

        run()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
