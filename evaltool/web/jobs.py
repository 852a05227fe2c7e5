"""Long work off the request: imports and report batches run in a background thread.

A :class:`Job` records its state (``queued``, ``running``, ``done``, ``failed``), its progress
(``done`` of ``total`` steps and the current step's label), its result and, when it failed,
the message the user sees. Pages poll ``/jobs/<id>.json``; a page can be left and reopened
while the job runs. Jobs live in the server's memory: a restart forgets finished jobs, never
what they stored (every import is its own transaction in the workspace).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from evaltool.errors import ImportFailed, UserError

log = logging.getLogger("evaltool.web")

#: Finished jobs kept for the jobs list.
KEEP_FINISHED = 50


@dataclass
class Job:
    """One piece of background work and what the page shows of it."""

    id: str
    kind: str
    label: str
    owner: str = "local"
    state: str = "queued"
    done: int = 0
    total: int = 0
    step: str = ""
    message: str = ""
    result: dict = field(default_factory=dict)
    issues: list[dict] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    finished: float | None = None

    def progress(self, done: int, total: int, step: str = "") -> None:
        """Record progress (called from the worker thread)."""
        self.done, self.total, self.step = int(done), int(total), str(step)

    def to_record(self) -> dict:
        """The job as JSON-ready data for the polling page."""
        elapsed = (self.finished or time.time()) - self.started
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "step": self.step,
            "message": self.message,
            "result": self.result,
            "n_issues": len(self.issues),
            "elapsed": round(elapsed, 1),
        }


class JobRunner:
    """Runs jobs one at a time in a background thread (imports and report batches both write
    to the workspace; one writer at a time keeps them from waiting on each other)."""

    def __init__(self, workers: int = 1):
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="evaltool-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def submit(
        self, kind: str, label: str, work: Callable[[Job], dict], owner: str = "local"
    ) -> Job:
        """Queue ``work(job)`` for the account ``owner``; it returns the result shown when
        the job is done."""
        job = Job(id=secrets.token_hex(8), kind=kind, label=label, owner=owner)
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
        self._pool.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work: Callable[[Job], dict]) -> None:
        job.state = "running"
        try:
            job.result = work(job) or {}
            job.state = "done"
        except ImportFailed as exc:
            job.state, job.message = "failed", str(exc)
            if exc.report is not None:
                job.issues = [issue.to_record() for issue in exc.report.issues]
        except UserError as exc:
            job.state, job.message = "failed", str(exc)
        except Exception:  # an unexpected failure: the log has it, the page a reference
            ref = secrets.token_hex(4)
            log.exception("job %s (%s) failed, reference %s", job.id, job.kind, ref)
            job.state, job.message = "failed", f"unexpected error (reference {ref} in the log)"
        finally:
            job.finished = time.time()

    def get(self, job_id: str) -> Job | None:
        """The job with this id, or None."""
        with self._lock:
            return self._jobs.get(job_id)

    def recent(self) -> list[Job]:
        """Every job kept, newest first."""
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.started, reverse=True)

    def _forget_old(self) -> None:
        done = [j for j in self._jobs.values() if j.finished is not None]
        for job in sorted(done, key=lambda j: j.started)[:-KEEP_FINISHED]:
            del self._jobs[job.id]

    def shutdown(self) -> None:
        """Wait for the running job, drop queued ones."""
        self._pool.shutdown(wait=True, cancel_futures=True)
