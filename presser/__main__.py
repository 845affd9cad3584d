"""``python -m presser``: the same as the ``presser`` command."""

from presser.cli import main

if __name__ == "__main__":
    main()
