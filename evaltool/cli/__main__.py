"""``python -m evaltool.cli``."""

from evaltool.cli import main

main()
