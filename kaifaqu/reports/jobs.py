"""Background jobs: enqueue from a request, run by the worker (manage.py run_jobs), files written
atomically so a failed job never offers a half-written file."""

from __future__ import annotations

import logging
import os
import time
import traceback
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job, JobStatus

log = logging.getLogger(__name__)
STALE_SECONDS = 120  # a running job without a heartbeat for this long was interrupted: run it again
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


def claim() -> Job | None:
    """Take the oldest queued job (or one whose worker died), so that no two workers run it."""
    stale = timezone.now() - timezone.timedelta(seconds=STALE_SECONDS)
    with transaction.atomic():
        candidates = Job.objects.filter(status=JobStatus.QUEUED) | Job.objects.filter(
            status=JobStatus.RUNNING, heartbeat__lt=stale
        )
        job = candidates.order_by("created_at").first()
        if job is None:
            return None
        taken = Job.objects.filter(pk=job.pk, status=job.status, heartbeat=job.heartbeat).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), heartbeat=timezone.now(), progress=0
        )
        if not taken:
            return None
    job.refresh_from_db()
    return job


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
            message=(_("任务失败:%(e)s") % {"e": exc})[:500],
            result={},
        )
        for leftover in job_dir(job).glob("*"):
            leftover.unlink()  # nothing half-written is offered for download
        return
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, progress=100, finished_at=timezone.now(), result=result, message=_("已完成")
    )


def work(*, once: bool = False, poll: float = 1.0) -> int:
    """The worker loop; ``once`` runs what is queued now and returns how many jobs ran."""
    ran = 0
    while True:
        job = claim()
        if job is None:
            if once:
                return ran
            time.sleep(poll)
            continue
        run(job)
        ran += 1
