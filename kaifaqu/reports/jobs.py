"""Background jobs: enqueue from a request, run by the worker (manage.py run_jobs), files written
atomically so a failed job never offers a half-written file.

The worker supervises: it claims a job (counting the attempt in the job's row), runs it in a forked
child process and waits for that child. A child that dies — a memory abort, a segmentation fault, the
kernel's OOM killer — is noticed the moment it dies: the job goes back to the queue once (等待重试)
and is failed with its reason the second time, so one input that kills its process cannot block the
jobs behind it, and the worker itself never dies with it. The child also writes the job's heartbeat on
a timer; a running job whose heartbeat is older than ``KFQ_JOB_STALE_SECONDS`` lost its supervisor as
well (a restart, the whole worker killed) and the next worker treats it the same way.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
import traceback
import uuid
from datetime import timedelta
from pathlib import Path

from django import db
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job, JobStatus

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 2  # a job whose worker died this many times while running it is failed, not retried
INTERRUPTED = 75  # a child's exit status when the worker was told to stop: not the job's fault
HANDLERS = {}


def handler(kind):
    def register(fn):
        HANDLERS[kind] = fn
        return fn

    return register


def job_dir(job: Job) -> Path:
    path = Path(settings.MEDIA_ROOT) / "jobs" / str(job.pk)
    path.mkdir(parents=True, exist_ok=True)
    return path


def enqueue(kind: str, params: dict, user, *, files: dict | None = None) -> Job:
    """Queue a job whose input is stored: ``files`` ({name: path}, written beforehand by :func:`stage`) are
    moved into the job's folder before its row commits. The worker sees only committed rows, so it never
    claims a job without its input; called inside a transaction, the job is claimable once that commits."""
    with transaction.atomic():
        job = Job.objects.create(kind=kind, params=params, created_by=user)
        for name, path in (files or {}).items():
            os.replace(path, job_dir(job) / name)
    return job


def stage(chunks) -> Path:
    """Write a job's input (an upload's chunks) under a temporary name, before the job exists."""
    folder = Path(settings.MEDIA_ROOT) / "jobs" / "incoming"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.part"
    with path.open("wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
    return path


def progress(job: Job, percent: int, message: str = "") -> None:
    Job.objects.filter(pk=job.pk).update(progress=percent, message=message[:500], heartbeat=timezone.now())


def write_file(job: Job, name: str, data: bytes) -> str:
    """Write a result next to its final name, then rename: readers never see a partial file."""
    final = job_dir(job) / name
    partial = final.with_suffix(final.suffix + ".part")
    partial.write_bytes(data)
    os.replace(partial, final)
    return name


def _remove_files(job: Job, pattern: str = "*") -> None:
    for leftover in job_dir(job).glob(pattern):
        leftover.unlink()


def claim() -> Job | None:
    """Take the oldest queued job, so that no two workers run it, and count the attempt."""
    with transaction.atomic():
        job = Job.objects.filter(status=JobStatus.QUEUED).order_by("created_at", "pk").first()
        if job is None:
            return None
        now = timezone.now()
        retry = _("第 %(n)s 次运行") % {"n": job.attempts + 1} if job.attempts else ""
        taken = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED, attempts=job.attempts).update(
            status=JobStatus.RUNNING,
            started_at=now,
            heartbeat=now,
            progress=0,
            message=retry,
            attempts=F("attempts") + 1,
        )
        if not taken:
            return None
    job.refresh_from_db()
    return job


def lost(job: Job, reason: str, **unchanged) -> bool:
    """The process running ``job`` died (``reason`` says how): queue it again, or fail it once it has
    been tried MAX_ATTEMPTS times. Only if the row is still as this worker left it (``unchanged``)."""
    now = timezone.now()
    if job.attempts >= MAX_ATTEMPTS:
        fields = {
            "status": JobStatus.FAILED,
            "finished_at": now,
            "result": {},
            "message": _(
                "任务失败：运行此任务的后台进程已%(n)s次意外中断（最近一次：%(reason)s），可能是数据量过大或内存不足，"
                "已停止重试。请缩小范围后重新提交，或联系管理员。"
            )
            % {"n": job.attempts, "reason": reason},
        }
    else:
        fields = {
            "status": JobStatus.QUEUED,
            "progress": 0,
            "message": _("运行此任务的后台进程意外中断（%(reason)s），等待重试。") % {"reason": reason},
        }
    fields["message"] = fields["message"][:500]
    changed = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts, **unchanged).update(
        **fields
    )
    if changed:
        log.warning("job %s: worker lost (%s), now %s", job.pk, reason, fields["status"])
        # A failed job offers nothing; a retried one keeps its input (an upload) but no partial file.
        _remove_files(job, "*" if fields["status"] == JobStatus.FAILED else "*.part")
    return bool(changed)


def recover() -> int:
    """Running jobs whose heartbeat stopped lost their worker: retry them once, then fail them."""
    limit = timezone.now() - timedelta(seconds=settings.KFQ_JOB_STALE_SECONDS)
    reason = _("超过 %(n)s 秒没有心跳") % {"n": f"{settings.KFQ_JOB_STALE_SECONDS:g}"}
    stale = Job.objects.filter(Q(heartbeat__lt=limit) | Q(heartbeat__isnull=True), status=JobStatus.RUNNING)
    return sum(lost(job, reason, heartbeat=job.heartbeat) for job in stale)


def run(job: Job) -> None:
    fn = HANDLERS.get(job.kind)
    try:
        if fn is None:
            raise ValueError(f"unknown job kind {job.kind}")
        result = fn(job)
    except Exception as exc:
        log.error("job %s failed:\n%s", job.pk, traceback.format_exc())
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            message=(_("任务失败：%(e)s") % {"e": exc})[:500],
            result={},
        )
        _remove_files(job)  # nothing half-written is offered for download
        return
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, progress=100, finished_at=timezone.now(), result=result, message=_("已完成")
    )


def work(*, once: bool = False, poll: float = 1.0) -> int:
    """Run jobs in this process (tests, debugging); ``once`` runs what is queued now and returns how
    many jobs ran. The worker proper is ``supervise``."""
    ran = 0
    while True:
        recover()
        job = claim()
        if job is None:
            if once:
                return ran
            time.sleep(poll)
            continue
        run(job)
        ran += 1


class Heartbeat(threading.Thread):
    """Writes a running job's heartbeat every ``interval`` seconds, whether the job reports progress
    or not, so that a worker that died is seen within seconds. Its own database connection."""

    def __init__(self, job: Job, interval: float | None = None):
        super().__init__(name=f"job-{job.pk}-heartbeat", daemon=True)
        self.job_pk = job.pk
        self.interval = interval if interval is not None else settings.KFQ_JOB_HEARTBEAT_SECONDS
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(self.interval):
                try:
                    Job.objects.filter(pk=self.job_pk, status=JobStatus.RUNNING).update(heartbeat=timezone.now())
                except db.DatabaseError as exc:  # e.g. SQLite busy under a long import: try again next beat
                    log.warning("job %s: heartbeat not written: %s", self.job_pk, exc)
        finally:
            db.connections.close_all()  # this thread's connections only

    def stop(self):
        self.stopped.set()
        self.join()


class Interrupted(BaseException):
    """Raised in a job's child process when the worker is stopped (not an error of the job)."""


def _interrupt(signum, frame):
    raise Interrupted(signum)


def _child(job: Job) -> int:
    """The body of a job's child process; returns its exit status."""
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    beat = Heartbeat(job)
    try:
        beat.start()
        run(job)
        return 0
    except Interrupted:
        return INTERRUPTED
    except BaseException:
        log.error("job %s: the worker's child failed:\n%s", job.pk, traceback.format_exc())
        return 1
    finally:
        beat.stopped.set()


def describe(status: int) -> str:
    """How a child process ended, for a user: "被信号 SIGKILL 终止" or "退出码 3"."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = str(number)
        return _("被信号 %(name)s 终止") % {"name": name}
    return _("退出码 %(code)s") % {"code": os.waitstatus_to_exitcode(status)}


def supervise(*, once: bool = False, poll: float = 1.0) -> int:
    """The worker: each job in a child process, watched. ``once`` stops when the queue is empty.

    SIGTERM or SIGINT stop the worker: the running job's child is told to stop and the job goes back
    to the queue without counting the attempt. Returns how many jobs were started.
    """
    stopping: list[int] = []
    child: dict[str, int | None] = {"pid": None}

    def stop(signum, frame):
        stopping.append(signum)
        if child["pid"]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child["pid"], signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    started = 0
    try:
        while not stopping:
            recover()
            job = claim()
            if job is None:
                if once:
                    break
                time.sleep(poll)
                continue
            started += 1
            db.connections.close_all()  # the child must not share the parent's database connections
            pid = os.fork()
            if pid == 0:  # the child: run the job, never return into the worker's loop
                code = 1
                try:
                    code = _child(job)
                finally:
                    try:
                        db.connections.close_all()
                    finally:
                        os._exit(code)
            child["pid"] = pid
            if stopping:  # told to stop between the claim and now
                os.kill(pid, signal.SIGTERM)
            _, status = os.waitpid(pid, 0)
            child["pid"] = None
            ended(job, status, stopping=bool(stopping))
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
    return started


def ended(job: Job, status: int, *, stopping: bool = False) -> None:
    """A job's child process ended with ``status`` (as from os.waitpid). A child that finished has
    marked its job done or failed; otherwise the child died and the job is retried or failed."""
    row = Job.objects.filter(pk=job.pk).values("status", "attempts").first()
    if row is None or row["status"] != JobStatus.RUNNING or row["attempts"] != job.attempts:
        return
    # Stopped with the worker: not the job's fault. (Only then: a child that dies on its own counts.)
    interrupted = (os.WIFEXITED(status) and os.WEXITSTATUS(status) == INTERRUPTED) or (
        os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGTERM, signal.SIGINT)
    )
    if stopping and interrupted:
        Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts).update(
            status=JobStatus.QUEUED,
            progress=0,
            attempts=F("attempts") - 1,
            message=_("后台服务停止，任务已重新排队。"),
        )
        _remove_files(job, "*.part")
        return
    lost(job, describe(status))
