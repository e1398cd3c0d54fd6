"""Long jobs of the screens (Data Stage import, discharge, exports) off the UI thread.

A job is a core call given its own connection and a progress callback; it runs in a thread
worker so the screen keeps answering keys. Progress, the result and any failure come back to
the UI thread as plain values. Every exception ends as a Spanish message: a BrokerError's own
text, anything else the line core.log words for it ("Error interno: …" with the trace logged).
A job's bar (JobBar) is shown only while it runs: an idle bar at 0 % says nothing, and once
the job ended its screen shows what it did instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlite_utils import Database
from textual.widget import Widget
from textual.widgets import ProgressBar
from textual.worker import get_current_worker

from brokertui.core import files, log
from brokertui.core.db import worker_connection
from brokertui.core.errors import BrokerError
from brokertui.core.progress import Progress
from brokertui.core.text import shown_name
from brokertui.screens.base import Guarded

if TYPE_CHECKING:
    from brokertui.screens.base import BrokerApp

T = TypeVar("T")
Task = Callable[[Database, Progress], T]  # the core call, on the worker's own connection


class JobBar(ProgressBar):
    """A job's progress bar: hidden until a job starts and again once it ended. While no total
    is known yet it pulses (Textual's indeterminate bar)."""

    def __init__(self, *, id: str) -> None:
        super().__init__(total=None, show_eta=False, id=id)
        self.display = False

    def begin(self) -> None:
        self.update(total=None, progress=0)
        self.display = True

    def end(self) -> None:
        self.display = False


class Jobs:
    """One long job at a time for `screen`, moving the JobBar `bar` (a selector) if given."""

    def __init__(self, screen: Guarded, bar: str | None = None) -> None:
        self.screen = screen
        self.bar = bar
        self.running = False

    def start(
        self,
        task: Task[T],
        done: Callable[[T], Any],
        *,
        failed: Callable[[str], Any] | None = None,
        progress: Progress | None = None,
    ) -> bool:
        """Run `task` in a thread worker; False (and nothing runs) while another job runs.

        On the UI thread, `progress` gets each report after the bar moved, `done` the result,
        `failed` the message (by default a notification).
        """
        if self.running:
            return False
        self.running = True
        if self.bar:
            self.screen.query_one(self.bar, JobBar).begin()
        db, app = self.screen.app.db, self.screen.app

        def report(done_: int, total: int, stage: str) -> None:
            app.call_from_thread(self._progressed, progress, done_, total, stage)

        def work() -> None:
            try:
                with worker_connection(db) as conn:
                    result = task(conn, report)
                app.call_from_thread(self._end, done, result)
            except Exception as exc:  # the screen stays usable whatever went wrong
                app.call_from_thread(self._end, failed or self._notify, error_text(exc))

        self.screen.run_worker(work, name="job", group="jobs", thread=True, exit_on_error=False)
        return True

    def export(
        self, name: str, write: Callable[[Database, Path], T], said: Callable[[T, Path], str]
    ) -> bool:
        """Write the file `name` into ~/brokertui-reportes (made private) in a job, by
        `write(conn, path)`; then the toast names the file (a whole path is cut at 80
        columns) and F1's messages keep `said(result, path)`."""
        folder = Path.home() / "brokertui-reportes"
        path = folder / name

        def task(conn: Database, _progress: Progress) -> T:
            files.ensure_private_dir(folder)
            return write(conn, path)

        def done(result: T) -> None:
            told = f"Guardado: {shown_name(name)}"
            self.screen.app.notify(told, timeout=8, full=said(result, path))

        return self.start(task, done)

    def _progressed(self, progress: Progress | None, done: int, total: int, stage: str) -> None:
        if self.bar and total > 0:  # a total of 0 is not known yet: the stage alone is told
            self.screen.query_one(self.bar, JobBar).update(total=total, progress=done)
        if progress:
            progress(done, total, stage)

    def _end(self, callback: Callable[[Any], Any], value: Any) -> None:
        self.running = False
        if self.bar:
            self.screen.query_one(self.bar, JobBar).end()
        callback(value)

    def _notify(self, text: str) -> None:
        self.screen.notify(text, severity="error", timeout=8)


def read_later(
    node: Widget, read: Callable[[], T], done: Callable[[T], Any], *, group: str, now: bool = False
) -> None:
    """Run `read` (a query that may take long: an exact count, a summary) in a thread, on a
    connection of its own (app.reading: `app.db` in `read` is that connection), then `done`
    with its result on the UI thread. A newer read of the same `group` of `node` replaces an
    older one, whose result is dropped. A failure is told like a job's. `now`: the data is
    small, read at once (what is shown is then complete when the key's handler ends)."""
    app = cast("BrokerApp", node.app)  # the app of every screen
    if now:
        node.workers.cancel_group(node, group)
        done(read())
        return

    def work() -> None:
        try:
            with worker_connection(app.db) as conn, app.reading(conn):
                result = read()
        except Exception as exc:
            app.call_from_thread(app.notify, error_text(exc), severity="error", timeout=8)
            return
        if not get_current_worker().is_cancelled:
            app.call_from_thread(done, result)

    node.run_worker(work, group=group, exclusive=True, thread=True, exit_on_error=False)


def error_text(exc: Exception) -> str:
    """What the user reads about a failed job: a BrokerError's own text, anything else one
    line from core.log (an unexpected error's trace goes to its log file)."""
    if isinstance(exc, BrokerError):
        return str(exc)
    return log.user_error(exc).line()
