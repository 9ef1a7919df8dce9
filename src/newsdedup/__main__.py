"""``python -m newsdedup`` runs the command-line interface."""

from .cli import main

main()
