"""The job worker under failure: a job that kills its process, a worker that stops, a heartbeat that
stops. The worker runs in a real subprocess (``manage.py run_jobs`` with misbehaving handlers)."""

import datetime
import os
import signal
import subprocess
import sys
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from kaifaqu.reports import jobs
from kaifaqu.reports.models import Job, JobStatus
from kaifaqu.testing import databases

# The worker as `./run` starts it, with the misbehaving handlers of kaifaqu/testing/crashing_jobs.py.
WORKER = (
    "import django; django.setup(); import kaifaqu.testing.crashing_jobs; "
    "from django.core.management import call_command; call_command('run_jobs', *__import__('sys').argv[1:])"
)


def worker(url, var_dir, *args, **popen):
    env = databases.environment(url, var_dir, KFQ_JOB_HEARTBEAT_SECONDS="0.2", KFQ_JOB_STALE_SECONDS="2")
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, *args],
        env=env,
        cwd=databases.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


@pytest.fixture
def var_dir(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    return tmp_path / "var"


def test_a_job_that_kills_its_worker_is_retried_once_then_failed_and_later_jobs_still_run(
    transactional_db, province_user, tmp_path, var_dir
):
    killer = jobs.enqueue("test_sigkill", {}, province_user)
    aborter = jobs.enqueue("test_abort", {}, province_user)
    exiter = jobs.enqueue("test_exit", {}, province_user)
    unlucky = jobs.enqueue("test_crash_once", {}, province_user)
    later = jobs.enqueue("test_ok", {}, province_user)
    with databases.shared_with_subprocesses(tmp_path) as url:
        proc = worker(url, var_dir, "--once")
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert out.strip() == "9 jobs run"  # three jobs twice each, one retried once, one once

    for job, how in ((killer, "SIGKILL"), (aborter, "SIGABRT"), (exiter, "退出码 3")):
        job.refresh_from_db()
        assert job.status == JobStatus.FAILED and job.attempts == 2, (job.status, job.message)
        assert "已2次意外中断" in job.message and how in job.message and "已停止重试" in job.message
        assert job.state_label == "失败" and job.result == {}
    unlucky.refresh_from_db()
    assert unlucky.status == JobStatus.DONE and unlucky.attempts == 2
    later.refresh_from_db()
    assert later.status == JobStatus.DONE and later.attempts == 1
    assert (jobs.job_dir(later) / "ok.txt").read_bytes() == b"ok"


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_stopping_the_worker_puts_its_job_back_without_counting_the_attempt(
    transactional_db, province_user, tmp_path, var_dir
):
    job = jobs.enqueue("test_sleep", {"seconds": 60}, province_user)
    started = jobs.job_dir(job) / "started"
    with databases.shared_with_subprocesses(tmp_path) as url:
        proc = worker(url, var_dir)
        wait_for(started.exists)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.attempts == 0 and "重新排队" in job.message
    assert job.state_label == "排队中"


def test_the_child_s_end_decides_retry_or_failure(province_user, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    job = jobs.enqueue("test_ok", {}, province_user)
    claimed = jobs.claim()
    assert claimed.attempts == 1 and claimed.status == JobStatus.RUNNING
    (jobs.job_dir(claimed) / "upload.xlsx").write_bytes(b"input")
    (jobs.job_dir(claimed) / "out.docx.part").write_bytes(b"half")
    jobs.ended(claimed, signal.SIGKILL)  # a wait status: killed by SIGKILL
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.state_label == "等待重试" and "SIGKILL" in job.message
    assert sorted(p.name for p in jobs.job_dir(job).iterdir()) == ["upload.xlsx"]  # the input stays
    again = jobs.claim()
    assert again.attempts == 2 and again.message == "第 2 次运行"
    jobs.ended(again, jobs.INTERRUPTED << 8)  # said "interrupted", but the worker was not stopping: counts
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "退出码 75" in job.message and job.finished_at
    assert list(jobs.job_dir(job).iterdir()) == []


def test_a_running_job_whose_heartbeat_stopped_is_shown_as_such_then_retried_then_failed(
    client_for, province_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.KFQ_JOB_STALE_SECONDS = 60  # generous: a loaded machine may take seconds to render a page
    job = jobs.enqueue("bulletin_export", {}, province_user)
    c = client_for(province_user)
    jobs.claim()
    assert "进行中" in c.get(reverse("job_detail", args=[job.pk])).content.decode()
    silent = timezone.now() - datetime.timedelta(seconds=90)
    Job.objects.filter(pk=job.pk).update(heartbeat=silent)  # its worker was killed with its supervisor
    page = c.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "无响应" in page and "进行中" not in page and 'hx-trigger="every 1s"' in page
    assert "无响应" in c.get(reverse("job_list")).content.decode()

    assert jobs.recover() == 1  # the next worker
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and "超过 60 秒没有心跳" in job.message
    page = c.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "等待重试" in page and "超过 60 秒没有心跳" in page

    jobs.claim()
    Job.objects.filter(pk=job.pk).update(heartbeat=silent)
    assert jobs.recover() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.attempts == 2 and "已停止重试" in job.message
    page = c.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "失败" in page and 'hx-trigger="every 1s"' not in page
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat=timezone.now())
    assert jobs.recover() == 0  # a fresh heartbeat is left alone


def test_the_heartbeat_is_written_on_a_timer_without_progress(transactional_db, province_user):
    job = jobs.enqueue("test_ok", {}, province_user)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat=long_ago)
    beat = jobs.Heartbeat(job, interval=0.05)
    beat.start()
    try:
        wait_for(lambda: Job.objects.get(pk=job.pk).heartbeat > long_ago, timeout=10)
    finally:
        beat.stop()
    assert not beat.is_alive()


def test_run_restarts_the_worker_when_it_dies(tmp_path):
    """`./run` keeps the worker running with scripts/keep_running.sh: a worker that dies is started
    again; stopping the loop stops the worker."""
    log = tmp_path / "starts"
    # Dies (SIGKILL) the first two times, then stays up.
    command = f'echo $$ >> {log}; [ "$(wc -l < {log})" -ge 3 ] && exec sleep 60; kill -9 $$'
    proc = subprocess.Popen(
        [str(databases.BASE_DIR / "scripts" / "keep_running.sh"), "sh", "-c", command],
        env={"PATH": "/usr/bin:/bin", "KFQ_RESTART_DELAY": "0.1"},
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(lambda: log.exists() and len(log.read_text().split()) == 3, timeout=30)
    time.sleep(0.3)
    assert len(log.read_text().split()) == 3  # the third one stays up
    last = int(log.read_text().split()[-1])
    proc.terminate()
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert err.count("restarting") == 2
    with pytest.raises(ProcessLookupError):
        os.kill(last, 0)  # the worker was stopped with its loop
