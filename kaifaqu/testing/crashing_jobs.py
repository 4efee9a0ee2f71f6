"""Job handlers that misbehave the way real inputs can, for the worker's tests (registered only when
this module is imported: the tests start the worker with it)."""

import os
import signal
import time

from kaifaqu.reports.jobs import handler, job_dir, write_file


@handler("test_sigkill")
def sigkill(job):
    """What the kernel's OOM killer does to a process that ran out of memory."""
    os.kill(os.getpid(), signal.SIGKILL)


@handler("test_abort")
def abort(job):
    """A C library's memory abort (SIGABRT)."""
    os.abort()


@handler("test_exit")
def hard_exit(job):
    os._exit(3)


@handler("test_crash_once")
def crash_once(job):
    """Kills its process the first time only (a worker that died of something else)."""
    if job.attempts == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return {"files": {"txt": write_file(job, "second.txt", b"second attempt")}}


@handler("test_ok")
def ok(job):
    return {"files": {"txt": write_file(job, "ok.txt", b"ok")}}


@handler("test_sleep")
def sleep(job):
    """Says it started (a file), then runs until it is stopped."""
    (job_dir(job) / "started").write_text(str(os.getpid()))
    time.sleep(float(job.params.get("seconds", 60)))
    return {"files": {}}
