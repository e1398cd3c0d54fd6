"""How a long job tells of its progress: a screen's job bar (screens/jobs.py), the CLI's line."""

from collections.abc import Callable

Progress = Callable[[int, int, str], None]  # done, total (0: not known), stage
