"""What every command prints: results on stdout, messages on stderr."""

import sys


def out(text: str = "") -> None:
    """A result line, on stdout."""
    sys.stdout.write(text + "\n")


def err(text: str) -> None:
    """A message (a warning, why a command failed), on stderr."""
    sys.stderr.write(text + "\n")
